import { randomUUID } from 'node:crypto';
import {
  AppendTooLargeError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStore,
  type EventToAppend,
  type StoredEvent,
  type Subscription,
  type SubscriptionMessage,
} from '../src';

/**
 * The one behaviour every event store must have, with EventStoreDB as the reference. It runs against
 * the embedded SQLite store, the EventStoreDB adapter over the in-process gRPC server, and a real
 * EventStoreDB when EVENTSTORE_URL is set. It asserts behaviour, never position values, and works on
 * a store that already holds other data: every test writes its own streams under a unique prefix.
 */
export interface EventStoreHarness {
  readonly store: EventStore;
  /** The append size limit the store under test enforces. */
  readonly maxAppendSizeBytes: number;
  close(): Promise<void>;
}

export function eventStoreContract(name: string, openHarness: () => Promise<EventStoreHarness>): void {
  describe(`event store contract: ${name}`, () => {
    jest.setTimeout(60_000);
    let harness: EventStoreHarness;
    let store: EventStore;
    const run = `c${randomUUID().slice(0, 8)}`;
    let counter = 0;
    /** A fresh stream id; `group` lets $all tests filter down to the streams of one test. */
    const streamId = (group = 'misc') => `${run}-${group}-${++counter}`;

    beforeAll(async () => {
      harness = await openHarness();
      store = harness.store;
    });
    afterAll(async () => {
      await harness?.close();
    });

    describe('append and read one stream', () => {
      it('numbers revisions from 0 and returns what was written', async () => {
        const id = streamId();
        const events = [event('Opened', { title: 'DB failover' }, { actor: 'k1' }), event('Noted', { n: 2 })];
        const result = await store.appendToStream(id, events, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(1);
        expect(typeof result.position).toBe('string');

        const read = await store.readStream(id);
        expect(read.map((e) => [e.id, e.revision, e.type, e.streamId])).toEqual([
          [events[0].id, 0, 'Opened', id],
          [events[1].id, 1, 'Noted', id],
        ]);
        expect(read[0].data).toEqual({ title: 'DB failover' });
        expect(read[0].metadata).toEqual({ actor: 'k1' });
        expect(read[1].metadata).toEqual({});
        expect(read[0].recordedAt).toBeInstanceOf(Date);
        expect(Math.abs(read[0].recordedAt.getTime() - Date.now())).toBeLessThan(60_000);
        expect(read[1].position > read[0].position).toBe(true);
        expect(read[1].position).toBe(result.position);
      });

      it('reads forwards and backwards from a revision with a max count', async () => {
        const id = streamId();
        await store.appendToStream(id, events(10));
        const revisions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream(id, options)).map((e) => e.revision);

        expect(await revisions({})).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ fromRevision: 3, maxCount: 4 })).toEqual([3, 4, 5, 6]);
        expect(await revisions({ direction: 'backwards', maxCount: 3 })).toEqual([9, 8, 7]);
        expect(await revisions({ direction: 'backwards', fromRevision: 5, maxCount: 2 })).toEqual([5, 4]);
        expect(await revisions({ direction: 'backwards', fromRevision: 'start' })).toEqual([0]);
        expect(await revisions({ fromRevision: 'end' })).toEqual([]);
        expect(await revisions({ fromRevision: 42 })).toEqual([]);
      });

      it('says a stream that was never written is not found', async () => {
        const id = streamId();
        await expect(store.readStream(id)).rejects.toThrow(StreamNotFoundError);
        await expect(store.readStream(id)).rejects.toMatchObject({ streamId: id });
      });
    });

    describe('expected revision', () => {
      it('no_stream: only while the stream has no events', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1), { expectedRevision: 'no_stream' });
        await expectWrongVersion(
          store.appendToStream(id, events(1), { expectedRevision: 'no_stream' }),
          id,
          0,
        );
      });

      it('stream_exists: only once the stream has events', async () => {
        const id = streamId();
        await expectWrongVersion(
          store.appendToStream(id, events(1), { expectedRevision: 'stream_exists' }),
          id,
          'no_stream',
        );
        await store.appendToStream(id, events(1));
        const result = await store.appendToStream(id, events(1), { expectedRevision: 'stream_exists' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('an exact revision: only when it is the revision of the last event', async () => {
        const id = streamId();
        await expectWrongVersion(
          store.appendToStream(id, events(1), { expectedRevision: 0 }),
          id,
          'no_stream',
        );
        await store.appendToStream(id, events(2));
        await expectWrongVersion(store.appendToStream(id, events(1), { expectedRevision: 0 }), id, 1);
        await expectWrongVersion(store.appendToStream(id, events(1), { expectedRevision: 2 }), id, 1);
        const result = await store.appendToStream(id, events(1), { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(2);
      });

      it('any: always', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1), { expectedRevision: 'any' });
        const result = await store.appendToStream(id, events(1), { expectedRevision: 'any' });
        expect(result.nextExpectedRevision).toBe(1);
      });

      it('a refused append stores nothing', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        await expectWrongVersion(store.appendToStream(id, events(3), { expectedRevision: 5 }), id, 0);
        expect(await store.readStream(id)).toHaveLength(1);
      });

      it('of 20 concurrent appends with the same expected revision, exactly one wins', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, () => store.appendToStream(id, events(1), { expectedRevision: 0 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(failures).toHaveLength(19);
        for (const failure of failures) expect(failure.reason).toBeInstanceOf(WrongExpectedVersionError);
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1]);
      });
    });

    describe('soft delete and tombstone', () => {
      it('a soft-deleted stream reads as not found; appending recreates it with revisions continuing', async () => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        await store.deleteStream(id, { expectedRevision: 1 });
        await expect(store.readStream(id)).rejects.toThrow(StreamNotFoundError);

        const again = events(3);
        const result = await store.appendToStream(id, again, { expectedRevision: 'no_stream' });
        expect(result.nextExpectedRevision).toBe(4);
        const read = await store.readStream(id);
        expect(read.map((e) => [e.id, e.revision])).toEqual(again.map((e, i) => [e.id, i + 2]));
        await expectWrongVersion(
          store.appendToStream(id, events(1), { expectedRevision: 'no_stream' }),
          id,
          4,
        );
      });

      it.each([
        ['any', 'any' as const],
        ['stream_exists', 'stream_exists' as const],
        ['the last revision before the delete', 1],
      ])('a soft-deleted stream is recreated by an append expecting %s', async (_label, expectedRevision) => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        await store.deleteStream(id);
        const result = await store.appendToStream(id, events(1), { expectedRevision });
        expect(result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([2]);
      });

      it('a soft-deleted stream refuses a wrong exact revision', async () => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        await store.deleteStream(id);
        await expect(store.appendToStream(id, events(1), { expectedRevision: 0 })).rejects.toThrow(
          WrongExpectedVersionError,
        );
      });

      it('delete checks its expected revision', async () => {
        const id = streamId();
        await store.appendToStream(id, events(2));
        await expect(store.deleteStream(id, { expectedRevision: 0 })).rejects.toThrow(
          WrongExpectedVersionError,
        );
        expect(await store.readStream(id)).toHaveLength(2);
      });

      it('a tombstoned stream can never be read or written again', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        await store.tombstoneStream(id);
        await expect(store.readStream(id)).rejects.toThrow(StreamDeletedError);
        await expect(store.readStream(id)).rejects.toMatchObject({ streamId: id });
        for (const expectedRevision of ['any', 'no_stream', 'stream_exists', 0] as const)
          await expect(store.appendToStream(id, events(1), { expectedRevision })).rejects.toThrow(
            StreamDeletedError,
          );
        await expect(store.getStreamMetadata(id)).rejects.toThrow(StreamDeletedError);
      });
    });

    describe('idempotent append', () => {
      it('appending the same event ids again succeeds and stores nothing twice', async () => {
        const id = streamId();
        const batch = events(2);
        const first = await store.appendToStream(id, batch, { expectedRevision: 'no_stream' });
        const retry = await store.appendToStream(id, batch, { expectedRevision: 'no_stream' });
        expect(retry.nextExpectedRevision).toBe(first.nextExpectedRevision);
        const retryAny = await store.appendToStream(id, batch, { expectedRevision: 'any' });
        expect(retryAny.nextExpectedRevision).toBe(first.nextExpectedRevision);
        expect((await store.readStream(id)).map((e) => e.id)).toEqual(batch.map((e) => e.id));
      });

      it('a retry succeeds after the stream has moved on, when its expected revision placed it there', async () => {
        const id = streamId();
        const batch = events(2);
        await store.appendToStream(id, events(1));
        await store.appendToStream(id, batch, { expectedRevision: 0 });
        await store.appendToStream(id, events(1), { expectedRevision: 2 });
        const retry = await store.appendToStream(id, batch, { expectedRevision: 0 });
        expect(retry.nextExpectedRevision).toBe(2);
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      });

      it('a retry of one event with an exact revision is idempotent', async () => {
        const id = streamId();
        const single = events(1);
        await store.appendToStream(id, single, { expectedRevision: 'no_stream' });
        await store.appendToStream(id, single, { expectedRevision: 'no_stream' });
        expect(await store.readStream(id)).toHaveLength(1);
      });
    });

    describe('the global log ($all)', () => {
      it('keeps store order with strictly increasing positions and an exclusive start', async () => {
        const group = 'order';
        const streams = [streamId(group), streamId(group), streamId(group)];
        const written: string[] = [];
        for (let i = 0; i < 9; i++) {
          const e = event('Step', { i });
          written.push(e.id);
          await store.appendToStream(streams[i % 3], [e]);
        }
        const prefix = `${run}-${group}-`;
        const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
        expect(all.map((e) => e.id)).toEqual(written);
        for (let i = 1; i < all.length; i++) expect(all[i].position > all[i - 1].position).toBe(true);

        const after = await store.readAll({
          fromPosition: all[1].position,
          filter: { streamPrefixes: [prefix] },
        });
        expect(after.map((e) => e.id)).toEqual(written.slice(2));

        const page = await store.readAll({
          fromPosition: all[1].position,
          maxCount: 3,
          filter: { streamPrefixes: [prefix] },
        });
        expect(page.map((e) => e.id)).toEqual(written.slice(2, 5));

        const backwards = await store.readAll({
          direction: 'backwards',
          fromPosition: all[3].position,
          filter: { streamPrefixes: [prefix] },
        });
        expect(backwards.map((e) => e.id)).toEqual(written.slice(0, 3).reverse());

        const last = await store.readAll({ direction: 'backwards', maxCount: 1 });
        expect(last).toHaveLength(1);
        expect(last[0].position >= all[all.length - 1].position).toBe(true);
      });

      it('filters by stream prefix and by event type, also both at once', async () => {
        const a = streamId('filter-a');
        const b = streamId('filter-b');
        await store.appendToStream(a, [event('Red', {}), event('Blue', {})]);
        await store.appendToStream(b, [event('Red', {}), event('Green', {})]);
        const types = async (filter: { streamPrefixes?: string[]; eventTypes?: string[] }) =>
          (await store.readAll({ filter })).map((e) => `${e.streamId === a ? 'a' : 'b'}:${e.type}`);

        expect(await types({ streamPrefixes: [`${run}-filter-a-`] })).toEqual(['a:Red', 'a:Blue']);
        expect(await types({ streamPrefixes: [`${run}-filter-a-`, `${run}-filter-b-`] })).toEqual([
          'a:Red',
          'a:Blue',
          'b:Red',
          'b:Green',
        ]);
        expect(await types({ streamPrefixes: [`${run}-filter-`], eventTypes: ['Red'] })).toEqual([
          'a:Red',
          'b:Red',
        ]);
        expect(await types({ streamPrefixes: [`${run}-filter-`], eventTypes: ['Green', 'Blue'] })).toEqual([
          'a:Blue',
          'b:Green',
        ]);
        expect(await types({ streamPrefixes: [`${run}-filter-`], eventTypes: ['Re'] })).toEqual([]);
      });
    });

    describe('catch-up subscriptions', () => {
      it('to $all: history, then caught up, then live, with no gap and no duplicate while 1,000 appends run', async () => {
        const group = 'live';
        const prefix = `${run}-${group}-`;
        const streams = Array.from({ length: 10 }, () => streamId(group));
        const history: string[] = [];
        for (let i = 0; i < 200; i++) {
          const e = event('Before', { i });
          history.push(e.id);
          await store.appendToStream(streams[i % streams.length], [e]);
        }
        const subscription = store.subscribeToAll({ filter: { streamPrefixes: [prefix] } });
        const live: string[] = [];
        const writers = Promise.all(
          streams.map(async (stream, w) => {
            for (let i = 0; i < 100; i++) {
              const e = event('During', { w, i });
              live.push(e.id);
              await store.appendToStream(stream, [e]);
            }
          }),
        );
        const received = await collect(subscription, (events) => events.length >= 1200, 45_000);
        await writers;

        const ids = received.events.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        expect(ids.slice(0, 200)).toEqual(history);
        expect(new Set(ids)).toEqual(new Set([...history, ...live]));
        for (let i = 1; i < received.events.length; i++)
          expect(received.events[i].position > received.events[i - 1].position).toBe(true);
        expect(received.caughtUp).toBe(1);
        expect(received.caughtUpAfter).toBeGreaterThanOrEqual(200);
      });

      it('to $all from a checkpoint: resumes after it, with no duplicate', async () => {
        const group = 'resume';
        const prefix = `${run}-${group}-`;
        const id = streamId(group);
        const written = events(10);
        await store.appendToStream(id, written);
        const filter = { streamPrefixes: [prefix] };
        const first = await collect(store.subscribeToAll({ filter }), (events) => events.length >= 4);
        const checkpoint = first.events[3].position;

        const resumed = store.subscribeToAll({ filter, fromPosition: checkpoint });
        const more = events(2);
        const rest = collect(resumed, (events) => events.length >= 8);
        await store.appendToStream(id, more);
        expect((await rest).events.map((e) => e.id)).toEqual([...written.slice(4), ...more].map((e) => e.id));
      });

      it("to $all from 'end': only what is stored after subscribing", async () => {
        const group = 'from-end';
        const id = streamId(group);
        await store.appendToStream(id, events(3));
        const subscription = store.subscribeToAll({
          fromPosition: 'end',
          filter: { streamPrefixes: [`${run}-${group}-`] },
        });
        const result = collect(subscription, (events) => events.length >= 2);
        await waitForCaughtUp(result);
        const later = events(2);
        await store.appendToStream(id, later);
        expect((await result).events.map((e) => e.id)).toEqual(later.map((e) => e.id));
      });

      it('to one stream: history from a revision (exclusive), caught up, then live', async () => {
        const id = streamId();
        const written = events(5);
        await store.appendToStream(id, written);
        const subscription = store.subscribeToStream(id, { fromRevision: 1 });
        const result = collect(subscription, (events) => events.length >= 6);
        await waitForCaughtUp(result);
        const later = events(3);
        await store.appendToStream(id, later);
        const received = await result;
        expect(received.events.map((e) => e.id)).toEqual([...written.slice(2), ...later].map((e) => e.id));
        expect(received.events.map((e) => e.revision)).toEqual([2, 3, 4, 5, 6, 7]);
        expect(received.caughtUpAfter).toBe(3);
      });

      it('to one stream that does not exist yet: waits for its first event', async () => {
        const id = streamId();
        const result = collect(store.subscribeToStream(id), (events) => events.length >= 1);
        await waitForCaughtUp(result);
        const first = events(1);
        await store.appendToStream(id, first);
        expect((await result).events.map((e) => e.id)).toEqual([first[0].id]);
      });
    });

    describe('stream metadata', () => {
      it('maxCount keeps only the last events visible', async () => {
        const id = streamId();
        await store.appendToStream(id, events(10));
        await store.setStreamMetadata(id, { maxCount: 3 });
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([7, 8, 9]);
        expect((await store.readStream(id, { direction: 'backwards' })).map((e) => e.revision)).toEqual([
          9, 8, 7,
        ]);
        await store.appendToStream(id, events(1));
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([8, 9, 10]);
      });

      it('truncateBefore hides earlier revisions; beyond the end the stream reads empty', async () => {
        const id = streamId();
        await store.appendToStream(id, events(10));
        await store.setStreamMetadata(id, { truncateBefore: 6 });
        expect((await store.readStream(id)).map((e) => e.revision)).toEqual([6, 7, 8, 9]);
        expect((await store.readStream(id, { fromRevision: 2, maxCount: 2 })).map((e) => e.revision)).toEqual(
          [6, 7],
        );
        expect((await store.readStream(id, { direction: 'backwards' })).map((e) => e.revision)).toEqual([
          9, 8, 7, 6,
        ]);
        await store.setStreamMetadata(id, { truncateBefore: 10 });
        expect(await store.readStream(id)).toEqual([]);
      });

      it('round-trips metadata with its own revision and expected revision', async () => {
        const id = streamId();
        expect(await store.getStreamMetadata(id)).toEqual({ streamId: id, metadata: {}, metaRevision: null });
        await store.setStreamMetadata(
          id,
          { maxCount: 50, custom: { owner: 'sre', tier: 1 } },
          {
            expectedRevision: 'no_stream',
          },
        );
        expect(await store.getStreamMetadata(id)).toEqual({
          streamId: id,
          metadata: { maxCount: 50, custom: { owner: 'sre', tier: 1 } },
          metaRevision: 0,
        });
        await expect(
          store.setStreamMetadata(id, { maxCount: 5 }, { expectedRevision: 'no_stream' }),
        ).rejects.toThrow(WrongExpectedVersionError);
        await store.setStreamMetadata(id, { truncateBefore: 3 }, { expectedRevision: 0 });
        expect(await store.getStreamMetadata(id)).toEqual({
          streamId: id,
          metadata: { truncateBefore: 3 },
          metaRevision: 1,
        });
      });
    });

    describe('limits and bad input', () => {
      it('refuses an append over the size limit and stores nothing', async () => {
        const id = streamId();
        const big = 'x'.repeat(harness.maxAppendSizeBytes);
        const attempt = store.appendToStream(id, [event('Big', { big })]);
        await expect(attempt).rejects.toThrow(AppendTooLargeError);
        await expect(store.readStream(id)).rejects.toThrow(StreamNotFoundError);
        const halves = [
          event('Half', { s: big.slice(0, big.length / 2) }),
          event('Half', { s: big.slice(0, big.length / 2) }),
        ];
        await expect(store.appendToStream(id, halves)).rejects.toThrow(AppendTooLargeError);
        await expect(store.readStream(id)).rejects.toThrow(StreamNotFoundError);
      });

      it.each([
        ['an empty stream id', '', 'streamId'],
        ['an over-long stream id', 'x'.repeat(1000), 'streamId'],
        ["a stream id in the store's own namespace", '$all', 'streamId'],
      ])('refuses %s', async (_label, id, field) => {
        await expectInvalid(store.appendToStream(id, events(1)), field);
        await expectInvalid(store.readStream(id), field);
      });

      it.each<[string, unknown]>([
        [
          'a cycle',
          (() => {
            const o: Record<string, unknown> = {};
            o.self = o;
            return o;
          })(),
        ],
        ['a bigint', { n: BigInt(1) }],
        ['a function', { f: () => 1 }],
        ['NaN', { n: Number.NaN }],
        ['a class instance', { d: new Date() }],
        ['undefined', undefined],
      ])('refuses data that is not JSON (%s) and stores nothing', async (_label, data) => {
        const id = streamId();
        const bad = { id: randomUUID(), type: 'Bad', data } as unknown as EventToAppend;
        await expectInvalid(store.appendToStream(id, [event('Good', {}), bad]), 'events[1].data');
        await expect(store.readStream(id)).rejects.toThrow(StreamNotFoundError);
      });

      it('refuses event ids that are not UUIDs and empty appends', async () => {
        const id = streamId();
        await expectInvalid(
          store.appendToStream(id, [{ id: 'not-a-uuid', type: 'T', data: {} }]),
          'events[0].id',
        );
        await expectInvalid(store.appendToStream(id, []), 'events');
      });

      it.each<[string, unknown]>([
        ['negative', -1],
        ['fractional', 1.5],
        ['not a number', '3'],
      ])('refuses a %s revision', async (_label, revision) => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        await expectInvalid(
          store.appendToStream(id, events(1), { expectedRevision: revision as number }),
          'expectedRevision',
        );
        await expectInvalid(store.readStream(id, { fromRevision: revision as number }), 'fromRevision');
        expect(await store.readStream(id)).toHaveLength(1);
      });

      it("refuses application metadata keys in the store's own $ namespace", async () => {
        const id = streamId();
        await expectInvalid(store.setStreamMetadata(id, { custom: { $acl: 'x' } }), 'metadata.custom');
        expect(await store.getStreamMetadata(id)).toMatchObject({ metaRevision: null });
      });

      it('refuses a max count below 1 and a position it did not hand out', async () => {
        const id = streamId();
        await store.appendToStream(id, events(1));
        await expectInvalid(store.readStream(id, { maxCount: 0 }), 'maxCount');
        await expectInvalid(store.readAll({ fromPosition: 'garbage' }), 'fromPosition');
      });
    });
  });
}

// ---- helpers --------------------------------------------------------------------------------------

export function event(
  type: string,
  data: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): EventToAppend {
  return { id: randomUUID(), type, data, metadata } as EventToAppend;
}

function events(count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => event('Happened', { i }));
}

async function expectWrongVersion(attempt: Promise<unknown>, streamId: string, actual: number | 'no_stream') {
  await expect(attempt).rejects.toThrow(WrongExpectedVersionError);
  await attempt.catch((error: WrongExpectedVersionError) => {
    expect(error.streamId).toBe(streamId);
    expect(error.actual).toBe(actual);
  });
}

/** `field` names the argument; a deeper path inside it (events[1].data.n) is finer still and accepted. */
async function expectInvalid(attempt: Promise<unknown>, field: string) {
  await expect(attempt).rejects.toThrow(InvalidEventStoreInputError);
  await attempt.catch((error: InvalidEventStoreInputError) => {
    expect(
      error.field === field || error.field.startsWith(`${field}.`) || error.field.startsWith(`${field}[`),
    ).toBe(true);
  });
}

interface Collected {
  events: StoredEvent[];
  caughtUp: number;
  /** How many events came before the (first) caught-up message. */
  caughtUpAfter: number;
}

type Collecting = Promise<Collected> & { caughtUp: Promise<void> };

/** Reads a subscription until it has caught up and `done` holds, then closes it; fails after `timeoutMs`. */
function collect(
  subscription: Subscription,
  done: (events: StoredEvent[]) => boolean,
  timeoutMs = 20_000,
): Collecting {
  let signalCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (signalCaughtUp = resolve));
  const result: Collected = { events: [], caughtUp: 0, caughtUpAfter: -1 };
  const reading = (async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        void subscription.close();
        reject(
          new Error(
            `subscription timed out with ${result.events.length} events, caughtUp=${result.caughtUp}`,
          ),
        );
      }, timeoutMs);
    });
    const loop = (async () => {
      for await (const message of subscription as AsyncIterable<SubscriptionMessage>) {
        if (message.kind === 'caughtUp') {
          result.caughtUp += 1;
          if (result.caughtUpAfter < 0) result.caughtUpAfter = result.events.length;
          signalCaughtUp();
        } else {
          result.events.push(message.event);
        }
        // Ends only after caught-up too, so its count and place are known.
        if (result.caughtUp > 0 && done(result.events)) break;
      }
    })();
    try {
      await Promise.race([loop, timeout]);
    } finally {
      clearTimeout(timer);
      await subscription.close();
    }
    return result;
  })();
  return Object.assign(reading, { caughtUp });
}

async function waitForCaughtUp(collecting: Collecting): Promise<void> {
  await Promise.race([collecting.caughtUp, collecting.then(() => undefined)]);
}
