import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  eventTypeFilter,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type Position,
  type ResolvedEvent,
  type StreamSubscription,
} from '@eventstore/db-client';
import { SqliteEventStore } from '../../src';
import { startEsdbGrpcServer, type EsdbGrpcServer } from './esdb-grpc-server';

const MAX_APPEND = 4096;

describe('the in-process EventStoreDB gRPC server, through @eventstore/db-client', () => {
  jest.setTimeout(30_000);
  let dir: string;
  let store: SqliteEventStore;
  let server: EsdbGrpcServer;
  let client: EventStoreDBClient;
  const run = `s${randomUUID().slice(0, 8)}`;
  let counter = 0;
  const streamId = (group = 'misc') => `${run}-${group}-${++counter}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-esdb-grpc-'));
    store = SqliteEventStore.open({ file: join(dir, 'events.db'), maxAppendSizeBytes: MAX_APPEND });
    server = await startEsdbGrpcServer({ store });
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterAll(async () => {
    await client?.dispose();
    await server?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('append and read a stream', () => {
    it('stores the writer ids, types, data and metadata, and reports revision and position', async () => {
      const id = streamId();
      const written = [
        jsonEvent({ id: randomUUID(), type: 'Opened', data: { title: 'x' }, metadata: { actor: 'k' } }),
        jsonEvent({ id: randomUUID(), type: 'Noted', data: { n: 2 } }),
      ];
      const result = await client.appendToStream(id, written, { expectedRevision: NO_STREAM });
      expect(result.success).toBe(true);
      expect(result.nextExpectedRevision).toBe(1n);
      expect(result.position).toBeDefined();
      expect(result.position!.commit).toBe(result.position!.prepare);

      const read = await collectRead(client.readStream(id));
      expect(read.map(({ event }) => [event!.id, event!.revision, event!.type, event!.streamId])).toEqual([
        [written[0].id, 0n, 'Opened', id],
        [written[1].id, 1n, 'Noted', id],
      ]);
      expect(read[0].event!.isJson).toBe(true);
      expect(read[0].event!.data).toEqual({ title: 'x' });
      expect(read[0].event!.metadata).toEqual({ actor: 'k' });
      expect(read[1].event!.metadata).toEqual({});
      expect(Math.abs(read[0].event!.created.getTime() - Date.now())).toBeLessThan(60_000);
      expect(read[1].event!.position).toEqual(result.position);
      expect(read[0].commitPosition).toBeUndefined();
    });

    it('reads forwards and backwards from a revision, with a max count', async () => {
      const id = streamId();
      await client.appendToStream(id, events(10));
      const revisions = async (options: Parameters<EventStoreDBClient['readStream']>[1]) =>
        (await collectRead(client.readStream(id, options))).map((e) => Number(e.event!.revision));
      expect(await revisions({ fromRevision: 3n, maxCount: 4 })).toEqual([3, 4, 5, 6]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: END, maxCount: 3 })).toEqual([9, 8, 7]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: 5n, maxCount: 2 })).toEqual([5, 4]);
      expect(await revisions({ direction: BACKWARDS, fromRevision: START })).toEqual([0]);
      expect(await revisions({ fromRevision: END })).toEqual([]);
    });

    it('answers stream_not_found for a stream that was never written', async () => {
      const id = streamId();
      const attempt = collectRead(client.readStream(id));
      await expect(attempt).rejects.toThrow(StreamNotFoundError);
      await expect(attempt).rejects.toMatchObject({ streamName: id });
    });

    it('reports a wrong expected version inside the append response', async () => {
      const id = streamId();
      const attempt = client.appendToStream(id, events(1), { expectedRevision: 3n });
      await expect(attempt).rejects.toThrow(WrongExpectedVersionError);
      await expect(attempt).rejects.toMatchObject({
        streamName: id,
        expectedVersion: 3n,
        actualVersion: 'no_stream',
      });
      await client.appendToStream(id, events(2));
      await expect(
        client.appendToStream(id, events(1), { expectedRevision: NO_STREAM }),
      ).rejects.toMatchObject({
        expectedVersion: 'no_stream',
        actualVersion: 1n,
      });
    });

    it('refuses an append over the size limit with maximum-append-size-exceeded', async () => {
      const id = streamId();
      const attempt = client.appendToStream(
        id,
        jsonEvent({ type: 'Big', data: { big: 'x'.repeat(MAX_APPEND) } }),
      );
      await expect(attempt).rejects.toThrow(MaxAppendSizeExceededError);
      await expect(attempt).rejects.toMatchObject({ maxAppendSize: MAX_APPEND });
    });
  });

  describe('read $all', () => {
    it('reads forwards from a position inclusively, backwards from it exclusively', async () => {
      const id = streamId('all');
      const written = events(5);
      await client.appendToStream(id, written);
      const mine = (read: AllStreamResolvedEvent[]) =>
        read.filter((e) => e.event!.streamId === id).map((e) => e.event!.id);
      const all = (await collectRead(client.readAll())).filter((e) => e.event!.streamId === id);
      expect(all.map((e) => e.event!.id)).toEqual(written.map((e) => e.id));
      expect(all.every((e) => e.commitPosition === e.event!.position.commit)).toBe(true);

      const third = all[2].event!.position;
      expect(mine(await collectRead(client.readAll({ fromPosition: third, maxCount: 2 })))).toEqual(
        written.slice(2, 4).map((e) => e.id),
      );
      expect(
        mine(await collectRead(client.readAll({ fromPosition: third, direction: BACKWARDS, maxCount: 2 }))),
      ).toEqual(
        written
          .slice(0, 2)
          .reverse()
          .map((e) => e.id),
      );
      const last = await collectRead(
        client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }),
      );
      expect(last.map((e) => e.event!.id)).toEqual([written[4].id]);
      expect(await collectRead(client.readAll({ fromPosition: END, direction: FORWARDS }))).toEqual([]);
    });
  });

  describe('subscriptions', () => {
    it('to $all with a stream filter: history, caught up, then live', async () => {
      const group = 'sub-all';
      const ids = [streamId(group), streamId(group)];
      const history = events(3);
      await client.appendToStream(ids[0], history);
      await client.appendToStream(streamId('elsewhere'), events(2));
      const subscription = client.subscribeToAll({
        fromPosition: START,
        filter: streamNameFilter({ prefixes: [`${run}-${group}-`] }),
      });
      const received = collectSubscription(subscription, (n) => n >= 5);
      await received.caughtUp;
      const live = events(2);
      await client.appendToStream(ids[1], live);
      const result = await received;
      expect(result.ids).toEqual([...history, ...live].map((e) => e.id));
      expect(result.caughtUpAfter).toBe(3);
      expect(result.confirmed).toBe(true);
    });

    it('to $all from a position starts after it, and checkpoints a filter on event types', async () => {
      const id = streamId('sub-pos');
      const written = [...events(40), jsonEvent({ id: randomUUID(), type: `${run}-Rare`, data: {} })];
      await client.appendToStream(id, written);
      const all = (await collectRead(client.readAll())).filter((e) => e.event!.streamId === id);
      const checkpoints: Position[] = [];
      const subscription = client.subscribeToAll({
        fromPosition: all[0].event!.position,
        filter: eventTypeFilter({
          regex: `^${run}-Rare$`,
          checkpointInterval: 1,
          checkpointReached: (_subscription, position) => void checkpoints.push(position),
        }),
      });
      const result = await collectSubscription(subscription, (n) => n >= 1);
      expect(result.ids).toEqual([written[40].id]);
      expect(checkpoints.length).toBeGreaterThanOrEqual(1);
      expect(checkpoints[0].commit > all[0].event!.position.commit).toBe(true);
    });

    it('to a stream from a revision (exclusive): history, caught up, then live', async () => {
      const id = streamId();
      const written = events(4);
      await client.appendToStream(id, written);
      const received = collectSubscription(client.subscribeToStream(id, { fromRevision: 1n }), (n) => n >= 3);
      await received.caughtUp;
      const live = events(1);
      await client.appendToStream(id, live);
      const result = await received;
      expect(result.ids).toEqual([written[2].id, written[3].id, live[0].id]);
      expect(result.caughtUpAfter).toBe(2);
    });

    it('to a tombstoned stream fails with stream-deleted', async () => {
      const id = streamId();
      await client.appendToStream(id, events(1));
      await client.tombstoneStream(id);
      const result = collectSubscription(client.subscribeToStream(id), () => false);
      await expect(result).rejects.toThrow(StreamDeletedError);
    });

    it('are ended with UNAVAILABLE when the server drops them', async () => {
      const id = streamId();
      const result = collectSubscription(client.subscribeToStream(id), () => false);
      await result.caughtUp;
      expect(server.openSubscriptions).toBeGreaterThanOrEqual(1);
      server.dropSubscriptions();
      await expect(result).rejects.toThrow(UnavailableError);
    });

    it('are ended when the server closes', async () => {
      const dir2 = mkdtempSync(join(tmpdir(), 'kb-esdb-grpc-'));
      const store2 = SqliteEventStore.open({ file: join(dir2, 'events.db') });
      const server2 = await startEsdbGrpcServer({ store: store2 });
      const client2 = EventStoreDBClient.connectionString(server2.connectionString);
      try {
        const result = collectSubscription(client2.subscribeToAll(), () => false);
        await result.caughtUp;
        await server2.close();
        await expect(result).rejects.toThrow();
        expect(server2.openSubscriptions).toBe(0);
      } finally {
        await client2.dispose();
        await store2.close();
        rmSync(dir2, { recursive: true, force: true });
      }
    });
  });

  describe('delete and tombstone', () => {
    it('a soft-deleted stream reads as not found and continues its revisions when written again', async () => {
      const id = streamId();
      await client.appendToStream(id, events(2));
      const refused = client.deleteStream(id, { expectedRevision: 0n });
      await expect(refused).rejects.toThrow(WrongExpectedVersionError);
      await expect(refused).rejects.toMatchObject({ streamName: id, expectedVersion: 0n, actualVersion: 1n });
      await client.deleteStream(id, { expectedRevision: 1n });
      await expect(collectRead(client.readStream(id))).rejects.toThrow(StreamNotFoundError);
      const result = await client.appendToStream(id, events(1), { expectedRevision: NO_STREAM });
      expect(result.nextExpectedRevision).toBe(2n);
    });

    it('a tombstoned stream cannot be read or written again', async () => {
      const id = streamId();
      await client.appendToStream(id, events(1));
      await client.tombstoneStream(id);
      const read = collectRead(client.readStream(id));
      await expect(read).rejects.toThrow(StreamDeletedError);
      await expect(read).rejects.toMatchObject({ streamName: id });
      await expect(client.appendToStream(id, events(1))).rejects.toThrow(StreamDeletedError);
      await expect(client.deleteStream(id)).rejects.toThrow(StreamDeletedError);
    });
  });

  describe('stream metadata', () => {
    it('round-trips through the $$ metastream, with its own revision', async () => {
      const id = streamId();
      expect(await client.getStreamMetadata(id)).toEqual({ streamName: id });
      await client.setStreamMetadata(id, { maxCount: 3, owner: 'sre' }, { expectedRevision: NO_STREAM });
      const metadata = await client.getStreamMetadata(id);
      expect(metadata.metadata).toEqual({ maxCount: 3, owner: 'sre' });

      const metastream = await collectRead(
        client.readStream(`$$${id}`, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
      );
      expect(metastream.map((e) => [e.event!.type, e.event!.revision, e.event!.data])).toEqual([
        ['$metadata', 0n, { $maxCount: 3, owner: 'sre' }],
      ]);
      const refused = client.setStreamMetadata(id, { maxCount: 5 }, { expectedRevision: NO_STREAM });
      await expect(refused).rejects.toThrow(WrongExpectedVersionError);
      await expect(refused).rejects.toMatchObject({ actualVersion: 0n });
    });

    it('is applied to reads: maxCount and truncateBefore', async () => {
      const id = streamId();
      await client.appendToStream(id, events(6));
      await client.setStreamMetadata(id, { truncateBefore: 2, maxCount: 3 });
      expect((await collectRead(client.readStream(id))).map((e) => Number(e.event!.revision))).toEqual([
        3, 4, 5,
      ]);
    });
  });
});

// ---- helpers --------------------------------------------------------------------------------------

function events(count: number) {
  return Array.from({ length: count }, (_, i) =>
    jsonEvent({ id: randomUUID(), type: 'Happened', data: { i } }),
  );
}

async function collectRead<E>(read: AsyncIterable<E>): Promise<E[]> {
  const out: E[] = [];
  for await (const item of read) out.push(item);
  return out;
}

interface Received {
  ids: string[];
  confirmed: boolean;
  caughtUpAfter: number;
}

/** Collects event ids until `done(count)`, then unsubscribes; rejects on a subscription error. */
function collectSubscription(
  subscription: AllStreamSubscription | StreamSubscription,
  done: (count: number) => boolean,
): Promise<Received> & { caughtUp: Promise<void> } {
  const received: Received = { ids: [], confirmed: false, caughtUpAfter: -1 };
  let signalCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => (signalCaughtUp = resolve));
  const result = new Promise<Received>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out with ${received.ids.length} events`)), 20_000);
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      void subscription.unsubscribe();
      outcome();
    };
    subscription.on('confirmation', () => (received.confirmed = true));
    subscription.on('caughtUp', () => {
      if (received.caughtUpAfter < 0)
        received.caughtUpAfter = received.ids.length + subscription.readableLength;
      signalCaughtUp();
    });
    subscription.on('data', (resolved: ResolvedEvent | AllStreamResolvedEvent) => {
      received.ids.push(resolved.event!.id);
      if (done(received.ids.length)) finish(() => resolve(received));
    });
    subscription.on('error', (error) => finish(() => reject(error)));
  });
  return Object.assign(result, { caughtUp });
}
