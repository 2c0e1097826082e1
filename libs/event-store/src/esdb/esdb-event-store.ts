import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START,
  jsonEvent,
  metastreamOf,
  type AllStreamResolvedEvent,
  type Position as EsdbPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, StreamNotFoundError } from '../errors';
import {
  MAX_READ_ALL_COUNT,
  type AppendOptions,
  type AppendResult,
  type DeleteResult,
  type Direction,
  type EventStore,
  type EventToAppend,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeToAllOptions,
  type SubscribeToStreamOptions,
  type Subscription,
} from '../event-store.port';
import {
  DEFAULT_MAX_APPEND_SIZE_BYTES,
  checkDirection,
  checkExpectedRevision,
  checkFilter,
  checkMaxCount,
  checkStreamId,
  checkStreamMetadata,
  checkStreamStart,
  serializeAppend,
} from '../validation';
import { connectToEventStoreDb } from './esdb-connection-string';
import { deleteStreamExpectingItExists } from './esdb-delete-stream.command';
import { toEventStoreError, type EsdbErrorContext } from './esdb-errors.mapper';
import { positionOf, toClientExpectedRevision, toEventData, toStoredEvent } from './esdb-event.mapper';
import { planAllFilter, type AllFilterPlan } from './esdb-filter.mapper';
import { METADATA_EVENT_TYPE, fromEsdbStreamMetadata, toEsdbStreamMetadata } from './esdb-metadata.mapper';
import { comparePositions, decodePosition, encodePosition } from './esdb-position.mapper';
import {
  DEFAULT_SUBSCRIPTION_SETTINGS,
  EsdbSubscription,
  type Cursor,
  type EsdbSubscriptionSettings,
  type SubscriptionSource,
} from './esdb-subscription';

export interface EsdbEventStoreOptions {
  /** Largest append accepted, checked before sending. Default 1 MiB, EventStoreDB's `MaxAppendSize`. */
  readonly maxAppendSizeBytes?: number;
  readonly subscriptions?: Partial<EsdbSubscriptionSettings>;
}

type AllCursor = 'start' | 'end' | EsdbPosition;

/** Events read per request while scanning $all for a filtered page. */
const FILTERED_SCAN_PAGE = 1024;

/**
 * The event store port over EventStoreDB, through `@eventstore/db-client`. Input is checked with the
 * shared rules before anything is sent; the client's errors become the port's typed errors.
 */
export class EsdbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly maxAppendSizeBytes: number;
  private readonly subscriptionSettings: EsdbSubscriptionSettings;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions = new Set<EsdbSubscription<unknown>>();
  private closed = false;

  /** Connects to the EventStoreDB at an `esdb://` connection string (lazily: the first call connects). */
  static connect(connectionString: string, options: EsdbEventStoreOptions = {}): EsdbEventStore {
    return new EsdbEventStore(connectionString, options);
  }

  /** @param connection an `esdb://` connection string, or a client to take over (closing the store disposes it) */
  constructor(connection: string | EventStoreDBClient, options: EsdbEventStoreOptions = {}) {
    this.client = typeof connection === 'string' ? connectToEventStoreDb(connection) : connection;
    this.maxAppendSizeBytes = options.maxAppendSizeBytes ?? DEFAULT_MAX_APPEND_SIZE_BYTES;
    this.subscriptionSettings = { ...DEFAULT_SUBSCRIPTION_SETTINGS, ...options.subscriptions };
  }

  // ---- writes ------------------------------------------------------------------------------------

  async appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    const serialized = serializeAppend(streamId, events, this.maxAppendSizeBytes);
    return this.call({ streamId, expected }, async () => {
      const result = await this.client.appendToStream(
        streamId,
        serialized.map((event, i) => toEventData(event, events[i])),
        { expectedRevision: toClientExpectedRevision(expected) },
      );
      const position =
        result.position ?? (await this.positionOfRevision(streamId, result.nextExpectedRevision));
      return {
        nextExpectedRevision: Number(result.nextExpectedRevision),
        position: encodePosition(position),
      };
    });
  }

  async setStreamMetadata(
    streamId: string,
    metadata: StreamMetadata,
    options: AppendOptions = {},
  ): Promise<void> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    checkStreamMetadata(metadata);
    await this.call({ streamId, expected }, () =>
      this.client.appendToStream(
        metastreamOf(streamId),
        // Not an idempotent write: setting the same metadata twice is two changes, each with its own id.
        jsonEvent({ id: randomUUID(), type: METADATA_EVENT_TYPE, data: toEsdbStreamMetadata(metadata) }),
        { expectedRevision: toClientExpectedRevision(expected) },
      ),
    );
  }

  async deleteStream(streamId: string, options: AppendOptions = {}): Promise<DeleteResult> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    return this.call({ streamId, expected }, async () => {
      const result =
        expected === 'stream_exists'
          ? await deleteStreamExpectingItExists(this.client, streamId)
          : await this.client.deleteStream(streamId, {
              expectedRevision: typeof expected === 'number' ? BigInt(expected) : expected,
            });
      return result.position ? { position: encodePosition(result.position) } : {};
    });
  }

  async tombstoneStream(streamId: string, options: AppendOptions = {}): Promise<DeleteResult> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    return this.call({ streamId, expected }, async () => {
      // The client's types omit `stream_exists` here although its implementation and the server take it.
      const expectedRevision = toClientExpectedRevision(expected) as bigint | 'any' | 'no_stream';
      const result = await this.client.tombstoneStream(streamId, { expectedRevision });
      return result.position ? { position: encodePosition(result.position) } : {};
    });
  }

  // ---- reads -------------------------------------------------------------------------------------

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    checkStreamId(streamId);
    const direction = checkDirection(options.direction);
    const from = checkStreamStart(
      options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end'),
      'fromRevision',
    );
    const maxCount = options.maxCount === undefined ? undefined : checkMaxCount(options.maxCount, 'maxCount');
    return this.call({ streamId }, async () => {
      const read = this.client.readStream(streamId, {
        direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
        fromRevision: typeof from === 'number' ? BigInt(from) : from,
        maxCount,
      });
      return (await drain(read)).flatMap((resolved) => toStoredEvent(resolved) ?? []);
    });
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const direction = checkDirection(options.direction);
    const maxCount =
      options.maxCount === undefined
        ? MAX_READ_ALL_COUNT
        : checkMaxCount(options.maxCount, 'maxCount', MAX_READ_ALL_COUNT);
    const plan = planAllFilter(checkFilter(options.filter));
    const from = toAllCursor(options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end'));
    const filtered =
      (options.filter?.streamPrefixes?.length ?? 0) + (options.filter?.eventTypes?.length ?? 0) > 0;
    return this.call({}, async () => {
      const events: StoredEvent[] = [];
      // System events are skipped too, so even an unfiltered page may take more than one request.
      const pageSize = filtered ? FILTERED_SCAN_PAGE : maxCount + 1;
      for await (const resolved of this.scanAll(direction, from, pageSize)) {
        if (!resolved.event || !plan.accepts(resolved.event)) continue;
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
        if (events.length >= maxCount) break;
      }
      return events;
    });
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    checkStreamId(streamId);
    return this.call({ streamId }, async () => {
      // Read the metastream itself: the client's getStreamMetadata reports a log position, not the
      // metadata's revision, and would mix application keys such as `maxCount` with system ones.
      let latest: ResolvedEvent['event'];
      try {
        const [resolved] = await drain(
          this.client.readStream(metastreamOf(streamId), {
            direction: BACKWARDS,
            fromRevision: END,
            maxCount: 1,
          }),
        );
        latest = resolved?.event;
      } catch (error) {
        if (toEventStoreError(error, { streamId }) instanceof StreamNotFoundError) latest = undefined;
        else throw error;
      }
      if (!latest) return { streamId, metadata: {}, metaRevision: null };
      return {
        streamId,
        metadata: latest.isJson ? fromEsdbStreamMetadata(latest.data) : {},
        metaRevision: Number(latest.revision),
      };
    });
  }

  // ---- subscriptions -----------------------------------------------------------------------------

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const plan = planAllFilter(checkFilter(options.filter));
    const from = toAllCursor(options.fromPosition ?? 'start');
    this.assertOpen();
    const source: SubscriptionSource<EsdbPosition> = {
      head: async () => (await this.lastPositionOfAll()) ?? 'start',
      open: (after, onProgress) =>
        this.client.subscribeToAll({
          fromPosition: after === 'start' ? START : after,
          // A server-side filter can scan long without a match: its checkpoints show it is alive.
          filter: { ...plan.server, checkpointReached: onProgress },
        }),
      cursorOf: positionOf,
      compare: comparePositions,
      toEvent: (resolved) =>
        resolved.event && plan.accepts(resolved.event) ? toStoredEvent(resolved) : undefined,
      hasEventsAfter: (cursor) => this.hasAllEventsAfter(cursor, plan),
      toPortError: (error) => toEventStoreError(error),
    };
    return this.track(new EsdbSubscription(source, from, this.subscriptionSettings, (s) => this.untrack(s)));
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    checkStreamId(streamId);
    const from = checkStreamStart(options.fromRevision ?? 'start', 'fromRevision');
    this.assertOpen();
    const source: SubscriptionSource<bigint> = {
      head: async () => (await this.lastRevisionOf(streamId)) ?? 'start',
      open: (after) =>
        this.client.subscribeToStream(streamId, { fromRevision: after === 'start' ? START : after }),
      cursorOf: (resolved) => resolved.event?.revision,
      compare: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
      toEvent: toStoredEvent,
      hasEventsAfter: async (cursor) => {
        const last = await this.lastRevisionOf(streamId);
        return last !== undefined && (cursor === 'start' || last > cursor);
      },
      toPortError: (error) => toEventStoreError(error, { streamId }),
    };
    const start = typeof from === 'number' ? BigInt(from) : from;
    return this.track(new EsdbSubscription(source, start, this.subscriptionSettings, (s) => this.untrack(s)));
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.subscriptions].map((subscription) => subscription.close()));
    await Promise.allSettled([...this.inFlight]);
    await this.client.dispose();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  /** Runs one operation: refused once closed, awaited by close(), its errors mapped to the port's. */
  private async call<T>(context: EsdbErrorContext, operation: () => Promise<T>): Promise<T> {
    this.assertOpen();
    const running = operation();
    this.inFlight.add(running);
    try {
      return await running;
    } catch (error) {
      throw toEventStoreError(error, context);
    } finally {
      this.inFlight.delete(running);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The EventStoreDB event store has been closed.');
  }

  private track<C>(subscription: EsdbSubscription<C>): Subscription {
    this.subscriptions.add(subscription as EsdbSubscription<unknown>);
    return subscription;
  }

  private untrack<C>(subscription: EsdbSubscription<C>): void {
    this.subscriptions.delete(subscription as EsdbSubscription<unknown>);
  }

  /**
   * Every event of $all after `from` (exclusive) in `direction`, paging as needed. EventStoreDB reads
   * from a position inclusively, so the event at the cursor itself is skipped.
   */
  private async *scanAll(
    direction: Direction,
    from: AllCursor,
    pageSize: number,
  ): AsyncGenerator<AllStreamResolvedEvent> {
    const count = Math.max(pageSize, 2);
    let cursor = from;
    for (;;) {
      const page = await drain(
        this.client.readAll({
          direction: direction === 'forwards' ? FORWARDS : BACKWARDS,
          fromPosition: cursor,
          maxCount: count,
        }),
      );
      let last: EsdbPosition | undefined;
      for (const resolved of page) {
        const position = positionOf(resolved);
        if (!position) continue;
        last = position;
        if (typeof cursor === 'object' && !isBeyond(position, cursor, direction)) continue;
        yield resolved;
      }
      if (page.length < count || !last) return;
      cursor = last;
    }
  }

  private async lastPositionOfAll(): Promise<EsdbPosition | undefined> {
    const [last] = await drain(this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }));
    return last && positionOf(last);
  }

  /** Whether $all holds an event the filter accepts after `cursor`, scanning back from the end. */
  private async hasAllEventsAfter(cursor: Cursor<EsdbPosition>, plan: AllFilterPlan): Promise<boolean> {
    for await (const resolved of this.scanAll('backwards', 'end', FILTERED_SCAN_PAGE)) {
      const position = positionOf(resolved);
      if (!position) continue;
      if (cursor !== 'start' && comparePositions(position, cursor) <= 0) return false;
      if (resolved.event && plan.accepts(resolved.event)) return true;
    }
    return false;
  }

  /** The revision of the stream's last readable event; undefined when none can be read. */
  private async lastRevisionOf(streamId: string): Promise<bigint | undefined> {
    try {
      const [last] = await drain(
        this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }),
      );
      return last?.event?.revision;
    } catch (error) {
      if (toEventStoreError(error, { streamId }) instanceof StreamNotFoundError) return undefined;
      throw error;
    }
  }

  /** Older servers leave out the position of an idempotent append: read it from the event itself. */
  private async positionOfRevision(streamId: string, revision: bigint): Promise<EsdbPosition> {
    const [event] = await drain(
      this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: revision, maxCount: 1 }),
    );
    const position = event && positionOf(event);
    if (position) return position;
    throw new EventStoreUnavailableError(
      `EventStoreDB did not report the position of ${streamId}@${revision}.`,
    );
  }
}

/**
 * Reads a client stream to its end. Leaving one early would strand its gRPC call half-read, and
 * `client.dispose()` waits for every call to finish.
 */
async function drain<E>(read: AsyncIterable<E>): Promise<E[]> {
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

function toAllCursor(from: unknown): AllCursor {
  return from === 'start' || from === 'end' ? from : decodePosition(from, 'fromPosition');
}

function isBeyond(position: EsdbPosition, cursor: EsdbPosition, direction: Direction): boolean {
  const order = comparePositions(position, cursor);
  return direction === 'forwards' ? order > 0 : order < 0;
}
