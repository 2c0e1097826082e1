import { laneOf, StreamLanes } from './stream-lanes';

interface Item {
  streamId: string;
  position: string;
}
const item = (streamId: string, n: number): Item => ({ streamId, position: String(n).padStart(4, '0') });

/** A work function whose calls finish only when the test says so. */
function controlledWork() {
  const started: Item[] = [];
  const finishers = new Map<string, () => void>();
  const work = (it: Item) =>
    new Promise<void>((resolve) => {
      started.push(it);
      finishers.set(it.position, resolve);
    });
  const finish = async (position: string) => {
    finishers.get(position)?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { started, work, finish };
}

describe('StreamLanes', () => {
  const [a, b] = ['incident-a', 'incident-b'];
  // Two streams that land in different lanes of 4 (checked, so the test means what it says).
  beforeAll(() => expect(laneOf(a, 4)).not.toBe(laneOf(b, 4)));

  it('works on several streams at once, and on one stream one item after another', async () => {
    const { started, work, finish } = controlledWork();
    const lanes = new StreamLanes<Item>(4, 10, work, () => undefined);
    for (const it of [item(a, 1), item(a, 2), item(b, 3)]) await lanes.push(it);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started.map((it) => it.position)).toEqual(['0001', '0003']);
    await finish('0001');
    expect(started.map((it) => it.position)).toEqual(['0001', '0003', '0002']);
    await finish('0003');
    await finish('0002');
    await lanes.drain();
  });

  it('reports progress only up to the first item still in flight', async () => {
    const { work, finish } = controlledWork();
    const progress: string[] = [];
    const lanes = new StreamLanes<Item>(4, 10, work, (position) => progress.push(position));
    for (const it of [item(a, 1), item(b, 2), item(b, 3)]) await lanes.push(it);
    await new Promise((resolve) => setImmediate(resolve));
    await finish('0002');
    await finish('0003');
    expect(progress).toEqual([]); // 0001 is still in flight
    await finish('0001');
    expect(progress).toEqual(['0003']);
    await lanes.drain();
  });

  it('makes push wait while the lane of its stream is full', async () => {
    const { work, finish } = controlledWork();
    const lanes = new StreamLanes<Item>(4, 2, work, () => undefined);
    await lanes.push(item(a, 1));
    await lanes.push(item(a, 2));
    let third = false;
    const pushed = lanes.push(item(a, 3)).then(() => (third = true));
    await lanes.push(item(b, 4)); // another lane has room
    await new Promise((resolve) => setImmediate(resolve));
    expect(third).toBe(false);
    await finish('0001');
    await pushed;
    expect(third).toBe(true);
    for (const position of ['0002', '0003', '0004']) await finish(position);
    await lanes.drain();
  });

  it('stops and reports the first failure of a lane', async () => {
    const lanes = new StreamLanes<Item>(
      4,
      10,
      (it) => (it.position === '0002' ? Promise.reject(new Error('boom')) : Promise.resolve()),
      () => undefined,
    );
    await lanes.push(item(a, 1));
    await lanes.push(item(a, 2));
    await expect(lanes.drain()).rejects.toThrow('boom');
    await expect(lanes.push(item(b, 3))).rejects.toThrow('boom');
  });
});
