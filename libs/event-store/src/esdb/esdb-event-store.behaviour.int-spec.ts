import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventStoreDBClient } from '@eventstore/db-client';
import { startEsdbGrpcServer, type EsdbGrpcServer } from '../../test/esdb-grpc-server/esdb-grpc-server';
import {
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  WrongExpectedVersionError,
} from '../errors';
import type { EventToAppend, StoredEvent, Subscription, SubscriptionMessage } from '../event-store.port';
import { SqliteEventStore } from '../sqlite/sqlite-event-store';
import { EsdbEventStore, type EsdbEventStoreOptions } from './esdb-event-store';

/** What the EventStoreDB adapter promises beyond the shared contract: surviving drops and stalls, pulling. */
describe('EventStoreDB adapter', () => {
  jest.setTimeout(30_000);
  let dir: string;
  let backing: SqliteEventStore;
  let server: EsdbGrpcServer;
  const stores: EsdbEventStore[] = [];
  const open = (options: EsdbEventStoreOptions = {}) => {
    const store = EsdbEventStore.connect(server.connectionString, options);
    stores.push(store);
    return store;
  };
  const fast = { subscriptions: { reconnectInitialDelayMs: 20, reconnectMaxDelayMs: 200 } };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-esdb-'));
    backing = SqliteEventStore.open({ file: join(dir, 'events.db') });
    server = await startEsdbGrpcServer({ store: backing });
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await server.close();
    await backing.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('subscriptions', () => {
    it('resubscribe after the server drops them, with no gap, no duplicate and one caught-up', async () => {
      const store = open(fast);
      await store.appendToStream('drop-a', events(5));
      const received = reader(store.subscribeToAll({ filter: { streamPrefixes: ['drop-'] } }));
      await received.until((r) => r.caughtUp === 1);
      for (let round = 0; round < 3; round++) {
        server.dropSubscriptions();
        await store.appendToStream(`drop-${round}`, events(5));
      }
      await received.until((r) => r.events.length === 20);
      const all = { ...received.result(), events: [...received.result().events] };
      const stream = reader(store.subscribeToStream('drop-a', { fromRevision: 2 }));
      await stream.until((r) => r.events.length === 2);
      server.dropSubscriptions();
      await store.appendToStream('drop-a', events(3));
      await stream.until((r) => r.events.length === 5);

      expect(all.caughtUp).toBe(1);
      expect(all.caughtUpAfter).toBe(5);
      expect(new Set(all.events.map((e) => e.id)).size).toBe(20);
      expect(isIncreasing(all.events.map((e) => e.position))).toBe(true);
      expect(stream.result().events.map((e) => e.revision)).toEqual([3, 4, 5, 6, 7]);
      expect(stream.result().caughtUp).toBe(1);
    });

    it('resubscribe when the server comes back after a restart', async () => {
      const store = open(fast);
      await store.appendToStream('restart-1', events(2));
      const received = reader(store.subscribeToStream('restart-1'));
      await received.until((r) => r.caughtUp === 1);
      await server.close();
      await new Promise((resolve) => setTimeout(resolve, 300));
      server = await startEsdbGrpcServer({ store: backing, port: server.port });
      await store.appendToStream('restart-1', events(2));
      await received.until((r) => r.events.length === 4);
      expect(received.result().events.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
      expect(received.result().caughtUp).toBe(1);
    });

    it("from 'end' keep to what was stored after subscribing across a drop before any event", async () => {
      const store = open(fast);
      await store.appendToStream('end-a', events(3));
      const received = reader(store.subscribeToAll({ fromPosition: 'end' }));
      await received.until((r) => r.caughtUp === 1);
      server.dropSubscriptions();
      const later = events(2);
      await store.appendToStream('end-a', later);
      await received.until((r) => r.events.length === 2);
      expect(received.result().events.map((e) => e.id)).toEqual(later.map((e) => e.id));
    });

    it('restart a subscription that went silent while the store moved on (watchdog)', async () => {
      const store = open({ subscriptions: { ...fast.subscriptions, watchdogIntervalMs: 100 } });
      const received = reader(store.subscribeToAll({ filter: { streamPrefixes: ['quiet-'] } }));
      await received.until((r) => r.caughtUp === 1);
      server.stallSubscriptions();
      const written = events(4);
      for (const event of written) await store.appendToStream('quiet-1', [event]);
      await received.until((r) => r.events.length === 4);
      expect(received.result().events.map((e) => e.id)).toEqual(written.map((e) => e.id));

      const stream = reader(store.subscribeToStream('quiet-1'));
      await stream.until((r) => r.caughtUp === 1);
      server.stallSubscriptions();
      await store.appendToStream('quiet-1', events(2));
      await stream.until((r) => r.events.length === 6);
      expect(stream.result().events.map((e) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    });

    it('pull: a consumer that does not read holds the server back, and then gets everything', async () => {
      const store = open({ subscriptions: { highWaterMark: 16 } });
      const total = 3000;
      for (let i = 0; i < total; i += 500) await store.appendToStream('slow-1', events(500));
      const subscription = store.subscribeToStream('slow-1');
      const iterator = subscription[Symbol.asyncIterator]();
      const first = await iterator.next();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const sentWhilePaused = server.subscriptionEventsSent;
      expect(sentWhilePaused).toBeLessThan(total);

      const revisions = [(first.value as Extract<SubscriptionMessage, { kind: 'event' }>).event.revision];
      let caughtUpAfter = -1;
      while (revisions.length < total) {
        const message = (await iterator.next()).value as SubscriptionMessage;
        if (message.kind === 'event') revisions.push(message.event.revision);
        else caughtUpAfter = revisions.length;
      }
      if (caughtUpAfter < 0) expect((await iterator.next()).value).toEqual({ kind: 'caughtUp' });
      else expect(caughtUpAfter).toBe(total);
      expect(revisions).toEqual(Array.from({ length: total }, (_, i) => i));
      await subscription.close();
    });

    it('deliver caught-up right after the history when the consumer lags behind', async () => {
      const store = open({ subscriptions: { highWaterMark: 16 } });
      await store.appendToStream('buffered-1', events(100));
      const subscription = store.subscribeToStream('buffered-1');
      const iterator = subscription[Symbol.asyncIterator]();
      const messages: SubscriptionMessage[] = [(await iterator.next()).value as SubscriptionMessage];
      await new Promise((resolve) => setTimeout(resolve, 300));
      while (messages.length < 101) messages.push((await iterator.next()).value as SubscriptionMessage);
      expect(messages.findIndex((m) => m.kind === 'caughtUp')).toBe(100);
      await subscription.close();
    });

    it('end with the mapped error when the stream is tombstoned', async () => {
      const store = open(fast);
      await store.appendToStream('gone-1', events(1));
      const received = reader(store.subscribeToStream('gone-1'));
      await received.until((r) => r.caughtUp === 1);
      await store.tombstoneStream('gone-1');
      await expect(received.ended).rejects.toThrow(StreamDeletedError);
      await expect(received.ended).rejects.toMatchObject({ streamId: 'gone-1' });
    });

    it('refuse bad input at once, before anything is sent', () => {
      const store = open();
      expect(() => store.subscribeToAll({ fromPosition: 'garbage' })).toThrow(InvalidEventStoreInputError);
      expect(() => store.subscribeToAll({ filter: { eventTypes: [''] } })).toThrow(
        InvalidEventStoreInputError,
      );
      expect(() => store.subscribeToStream('$all')).toThrow(InvalidEventStoreInputError);
      expect(() => store.subscribeToStream('s-1', { fromRevision: -1 })).toThrow(InvalidEventStoreInputError);
      expect(server.openSubscriptions).toBe(0);
    });

    it('end when the store closes', async () => {
      const store = open();
      const received = reader(store.subscribeToAll());
      await received.until((r) => r.caughtUp === 1);
      await store.close();
      await expect(received.ended).resolves.toBeUndefined();
      await waitFor(() => server.openSubscriptions === 0);
    });
  });

  describe('reads', () => {
    it('fill a filtered page of $all across many server reads, both directions', async () => {
      const store = open();
      const [a] = events(1);
      await store.appendToStream('page-x', [a]);
      for (let i = 0; i < 3; i++) await store.appendToStream('noise-1', events(500));
      const [b, c] = events(2);
      await store.appendToStream('page-y', [b]);
      await store.appendToStream('noise-1', events(500));
      await store.appendToStream('page-x', [c]);
      const filter = { streamPrefixes: ['page-'] };
      expect((await store.readAll({ filter, maxCount: 3 })).map((e) => e.id)).toEqual([a.id, b.id, c.id]);
      const backwards = await store.readAll({ filter, direction: 'backwards', maxCount: 2 });
      expect(backwards.map((e) => e.id)).toEqual([c.id, b.id]);
      const rest = await store.readAll({
        filter,
        fromPosition: backwards[1].position,
        direction: 'backwards',
      });
      expect(rest.map((e) => e.id)).toEqual([a.id]);
      const typed = await store.readAll({ filter: { eventTypes: ['Rare'] } });
      expect(typed).toEqual([]);
    });
  });

  describe('writes', () => {
    it('deletes expecting the stream to exist', async () => {
      const store = open();
      await expect(store.deleteStream('del-1', { expectedRevision: 'stream_exists' })).rejects.toThrow(
        WrongExpectedVersionError,
      );
      await store.appendToStream('del-1', events(2));
      await store.deleteStream('del-1', { expectedRevision: 'stream_exists' });
      const again = await store.appendToStream('del-1', events(1), { expectedRevision: 'no_stream' });
      expect(again.nextExpectedRevision).toBe(2);
    });

    it('keeps application metadata keys apart from the system ones', async () => {
      const store = open();
      await store.setStreamMetadata('meta-1', {
        maxCount: 7,
        custom: { maxCount: 'app', truncateBefore: 1 },
      });
      expect((await store.getStreamMetadata('meta-1')).metadata).toEqual({
        maxCount: 7,
        custom: { maxCount: 'app', truncateBefore: 1 },
      });
      await expect(store.setStreamMetadata('meta-1', { custom: { $acl: 'x' } })).rejects.toThrow(
        InvalidEventStoreInputError,
      );
    });
  });

  describe('connection', () => {
    it('reports an unreachable server as unavailable', async () => {
      const gone = await startEsdbGrpcServer({ store: backing });
      await gone.close();
      const store = EsdbEventStore.connect(gone.connectionString);
      stores.push(store);
      await expect(store.appendToStream('u-1', events(1))).rejects.toThrow(EventStoreUnavailableError);
      await expect(store.readStream('u-1')).rejects.toThrow(EventStoreUnavailableError);
    });

    it('works over a client it is given, and disposes it on close', async () => {
      const client = EventStoreDBClient.connectionString(server.connectionString);
      const store = new EsdbEventStore(client);
      stores.push(store);
      await store.appendToStream('given-1', events(2));
      expect(await store.readStream('given-1')).toHaveLength(2);
      const subscription = store.subscribeToStream('given-1');
      const iterator = subscription[Symbol.asyncIterator]();
      await iterator.next();
      await store.close();
      await waitFor(() => server.openSubscriptions === 0);
      expect(await iterator.next()).toEqual({ done: true, value: undefined });
    });

    it('refuses a connection string it cannot parse', () => {
      expect(() => new EsdbEventStore('http://not-esdb')).toThrow(InvalidEventStoreInputError);
    });

    it('refuses work once closed', async () => {
      const store = open();
      await store.close();
      await expect(store.readAll()).rejects.toThrow(EventStoreUnavailableError);
      expect(() => store.subscribeToAll()).toThrow(EventStoreUnavailableError);
    });
  });
});

// ---- helpers --------------------------------------------------------------------------------------

function events(count: number): EventToAppend[] {
  return Array.from({ length: count }, (_, i) => ({ id: randomUUID(), type: 'Happened', data: { i } }));
}

function isIncreasing(values: string[]): boolean {
  return values.every((value, i) => i === 0 || value > values[i - 1]);
}

interface Received {
  events: StoredEvent[];
  caughtUp: number;
  caughtUpAfter: number;
}

/** Reads a subscription in the background; `until` waits for a condition, `ended` settles with it. */
function reader(subscription: Subscription) {
  const received: Received = { events: [], caughtUp: 0, caughtUpAfter: -1 };
  const ended = (async () => {
    for await (const message of subscription) {
      if (message.kind === 'caughtUp') {
        received.caughtUp += 1;
        if (received.caughtUpAfter < 0) received.caughtUpAfter = received.events.length;
      } else received.events.push(message.event);
    }
  })();
  ended.catch(() => undefined);
  return {
    ended,
    result: () => received,
    until: (condition: (received: Received) => boolean) =>
      Promise.race([
        waitFor(() => condition(received)),
        ended.then(() => {
          throw new Error('the subscription ended');
        }),
      ]),
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
