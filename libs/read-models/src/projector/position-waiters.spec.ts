import { allReached, PositionWaiters } from './position-waiters';

describe('allReached', () => {
  it('is true when every checkpoint is at or past the position', () => {
    expect(allReached(['0000000005', '0000000007'], '0000000005')).toBe(true);
    expect(allReached(['0000000004', '0000000007'], '0000000005')).toBe(false);
  });

  it('is false while a projection has applied nothing yet', () => {
    expect(allReached([null, '0000000007'], '0000000001')).toBe(false);
  });
});

describe('PositionWaiters', () => {
  let checkpoint: string | null;
  let waiters: PositionWaiters;

  beforeEach(() => {
    jest.useFakeTimers();
    checkpoint = null;
    waiters = new PositionWaiters((position) => allReached([checkpoint], position));
  });

  afterEach(() => jest.useRealTimers());

  it('resolves true at once when the position is already reached', async () => {
    checkpoint = '0000000003';
    await expect(waiters.wait('0000000003', 1000)).resolves.toBe(true);
  });

  it('resolves true on the first check after the position is reached', async () => {
    const waiting = waiters.wait('0000000003', 1000);
    const settled = jest.fn();
    void waiting.then(settled);
    checkpoint = '0000000002';
    waiters.check();
    await Promise.resolve();
    expect(settled).not.toHaveBeenCalled();
    checkpoint = '0000000003';
    waiters.check();
    await expect(waiting).resolves.toBe(true);
  });

  it('resolves false when the timeout passes first, and a later check does not change it', async () => {
    const waiting = waiters.wait('0000000003', 1000);
    jest.advanceTimersByTime(1000);
    await expect(waiting).resolves.toBe(false);
    checkpoint = '0000000003';
    expect(() => waiters.check()).not.toThrow();
    await expect(waiting).resolves.toBe(false);
  });

  it('resolves every waiter with false on releaseAll, and clears their timers', async () => {
    const first = waiters.wait('0000000003', 1000);
    const second = waiters.wait('0000000009', 5000);
    waiters.releaseAll();
    await expect(Promise.all([first, second])).resolves.toEqual([false, false]);
    expect(jest.getTimerCount()).toBe(0);
  });
});
