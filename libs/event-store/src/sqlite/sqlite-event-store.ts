import Database from 'better-sqlite3';
import { dirname } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { makePrivateDirectory, preparePrivateDatabaseFile, restrictDatabaseFiles } from '../private-files';
import {
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type ActualRevision,
} from '../errors';
import {
  MAX_READ_ALL_COUNT,
  type AllStart,
  type AppendOptions,
  type AppendResult,
  type DeleteResult,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
  type StreamMetadata,
  type StreamMetadataResult,
  type SubscribeToAllOptions,
  type SubscribeToStreamOptions,
  type Subscription,
  type SubscriptionMessage,
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
  type SerializedEvent,
} from '../validation';
import { CommitSignal } from './commit-signal';
import { WalCheckpointer } from './wal-checkpointer';
import { migrate } from './sqlite-schema';

export interface SqliteEventStoreOptions {
  /** Path of the SQLite file; its directory is created when missing. */
  readonly file: string;
  /** Largest append accepted, in bytes of JSON data and metadata. Default 1 MiB, as EventStoreDB. */
  readonly maxAppendSizeBytes?: number;
  /** Most appends written in one transaction (group commit). Default 1,000. */
  readonly maxAppendsPerCommit?: number;
  /**
   * How often idle subscriptions look for commits made by another process (a projector process on
   * the same file): a read of `PRAGMA data_version`, nearly free. Default 20 ms.
   */
  readonly pollIntervalMs?: number;
  /**
   * Told after each group commit: how many writes it carried (appends, and the rare metadata change
   * or delete) and how long its transaction took, fsync included. For metrics; must not throw.
   */
  readonly onCommit?: (writes: number, seconds: number) => void;
}

interface StreamRow {
  stream_id: string;
  last_revision: number;
  meta_revision: number;
  max_count: number | null;
  truncate_before: number | null;
  custom_metadata: string | null;
  soft_deleted: number;
  tombstoned: number;
}

interface EventRow {
  position: number;
  stream_id: string;
  revision: number;
  event_id: string;
  type: string;
  data: string;
  metadata: string;
  recorded_at: number;
}

/** A write waiting for the next group commit. Every kind goes through the one queue, so writes keep their order. */
type Write =
  | { kind: 'append'; streamId: string; events: SerializedEvent[]; expected: ExpectedRevision }
  | { kind: 'metadata'; streamId: string; metadata: StreamMetadata; expected: ExpectedRevision }
  | { kind: 'delete'; streamId: string; expected: ExpectedRevision }
  | { kind: 'tombstone'; streamId: string; expected: ExpectedRevision };
type Operation = Write & { resolve(value: AppendResult | undefined): void; reject(error: unknown): void };

type Outcome = { ok: true; value: AppendResult | undefined } | { ok: false; error: unknown };

const POSITION_DIGITS = 20;
const SUBSCRIPTION_PAGE = 512;
/**
 * Positions a filtered read scans in one statement, at most (about 5 ms): a filter on rare streams
 * (API keys, webhooks) far behind the head matches nothing for millions of positions, and one
 * statement over them held the event loop 0.4 s at 1.5 million events. The event loop is let free
 * between two windows.
 */
const FILTERED_SCAN_WINDOW = 20_000;
const STREAM_CACHE_SIZE = 10_000;

export function encodePosition(position: number): string {
  return position.toString().padStart(POSITION_DIGITS, '0');
}

export function decodePosition(position: string, field: string): number {
  if (typeof position !== 'string' || !/^\d{20}$/.test(position))
    throw new InvalidEventStoreInputError(field, "must be 'start', 'end' or a position this store returned");
  const value = Number(position);
  if (!Number.isSafeInteger(value))
    throw new InvalidEventStoreInputError(field, 'is beyond the positions this store can hold');
  return value;
}

/**
 * The embedded event store: one SQLite file in WAL mode with `synchronous=FULL`.
 *
 * Writes are queued and written by a single writer in group commits: every write that arrives while
 * a commit is being prepared goes into the same transaction, each checked against its own expected
 * revision, and each promise settles only after that transaction has committed (fsync included).
 * Positions are the rowids assigned inside the commit, so they follow commit order and a reader
 * never skips an event that commits late.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly maxAppendSizeBytes: number;
  private readonly maxAppendsPerCommit: number;
  private readonly signal: CommitSignal;
  private readonly statements: ReturnType<SqliteEventStore['prepareStatements']>;
  private readonly readAllStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  private queue: Operation[] = [];
  private flushScheduled = false;
  private lastPosition: number;
  private closed = false;
  private readonly counters = { commits: 0, writes: 0 };
  private readonly onCommit: ((writes: number, seconds: number) => void) | undefined;
  /**
   * Stream state as of our last commit, so an append need not look it up again. Valid only while no
   * other connection has written: SQLite's data_version tells, and the cache is dropped when it moves.
   */
  private readonly streamCache = new Map<string, StreamRow>();
  private checkpointer: WalCheckpointer | undefined;
  private streamCacheDataVersion = -1;

  static open(options: SqliteEventStoreOptions): SqliteEventStore {
    makePrivateDirectory(dirname(options.file));
    preparePrivateDatabaseFile(options.file);
    const store = new SqliteEventStore(options);
    restrictDatabaseFiles(options.file);
    return store;
  }

  private constructor(options: SqliteEventStoreOptions) {
    this.maxAppendSizeBytes = options.maxAppendSizeBytes ?? DEFAULT_MAX_APPEND_SIZE_BYTES;
    this.maxAppendsPerCommit = options.maxAppendsPerCommit ?? 1000;
    this.onCommit = options.onCommit;
    this.db = new Database(options.file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('busy_timeout = 5000');
      migrate(this.db);
      // What a previous process left in the log (a seed, a crash) goes into the database now, not
      // at the first commit on the event loop (0.4 s after seeding 100,000 incidents). PASSIVE: it
      // never waits for other connections.
      this.db.pragma('wal_checkpoint(PASSIVE)');
      // From now on a worker thread copies the log into the database, leaving commits little to copy.
      if (options.file !== ':memory:') this.checkpointer = WalCheckpointer.start(options.file);
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.statements = this.prepareStatements();
    this.lastPosition = this.statements.maxPosition.pluck().get() ?? 0;
    this.signal = new CommitSignal(options.pollIntervalMs ?? 20, () => this.refreshFromOtherWriters());
  }

  private prepareStatements() {
    const db = this.db;
    return {
      metadataRow: db.prepare<[string], Omit<StreamRow, 'last_revision'>>(
        'SELECT * FROM stream_metadata WHERE stream_id = ?',
      ),
      lastRevision: db.prepare<[string], number | null>(
        'SELECT max(revision) FROM events WHERE stream_id = ?',
      ),
      upsertMetadata: db.prepare<[Omit<StreamRow, 'last_revision'>], void>(
        `INSERT INTO stream_metadata (stream_id, meta_revision, max_count, truncate_before, custom_metadata, soft_deleted, tombstoned)
         VALUES (@stream_id, @meta_revision, @max_count, @truncate_before, @custom_metadata, @soft_deleted, @tombstoned)
         ON CONFLICT (stream_id) DO UPDATE SET
           meta_revision = excluded.meta_revision, max_count = excluded.max_count,
           truncate_before = excluded.truncate_before, custom_metadata = excluded.custom_metadata,
           soft_deleted = excluded.soft_deleted, tombstoned = excluded.tombstoned`,
      ),
      insertEvent: db.prepare<[string, number, string, string, string, string, number]>(
        'INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      revisionOfEventId: db.prepare<[string, string], { revision: number }>(
        'SELECT revision FROM events WHERE event_id = ? AND stream_id = ?',
      ),
      eventsFromRevision: db.prepare<[string, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
      ),
      eventsBackwards: db.prepare<[string, number, number, number], EventRow>(
        'SELECT * FROM events WHERE stream_id = ? AND revision <= ? AND revision >= ? ORDER BY revision DESC LIMIT ?',
      ),
      maxPosition: db.prepare<[], number | null>('SELECT max(position) FROM events'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version'),
    };
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
    return (await this.enqueue({ kind: 'append', streamId, events: serialized, expected })) as AppendResult;
  }

  async setStreamMetadata(
    streamId: string,
    metadata: StreamMetadata,
    options: AppendOptions = {},
  ): Promise<void> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    checkStreamMetadata(metadata);
    await this.enqueue({ kind: 'metadata', streamId, metadata, expected });
  }

  async deleteStream(streamId: string, options: AppendOptions = {}): Promise<DeleteResult> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    await this.enqueue({ kind: 'delete', streamId, expected });
    return {};
  }

  async tombstoneStream(streamId: string, options: AppendOptions = {}): Promise<DeleteResult> {
    checkStreamId(streamId);
    const expected = checkExpectedRevision(options.expectedRevision);
    await this.enqueue({ kind: 'tombstone', streamId, expected });
    return {};
  }

  private enqueue(operation: Write): Promise<AppendResult | undefined> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.queue.push({ ...operation, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // setImmediate, not a microtask: writers woken by the previous commit get to queue first.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxAppendsPerCommit);
      const outcomes: Outcome[] = [];
      const positionBefore = this.lastPosition;
      const streams = new Map<string, StreamRow>();
      const started = process.hrtime.bigint();
      try {
        this.db
          .transaction(() => {
            this.dropStreamCacheIfOthersWrote();
            for (const operation of batch) outcomes.push(this.apply(operation, streams));
          })
          .immediate();
      } catch (cause) {
        this.lastPosition = positionBefore;
        this.streamCache.clear();
        const error = new EventStoreUnavailableError(
          `The embedded event store could not commit ${batch.length} write(s); nothing of them was stored.`,
          { cause },
        );
        for (const operation of batch) operation.reject(error);
        continue;
      }
      if (this.streamCache.size + streams.size > STREAM_CACHE_SIZE) this.streamCache.clear();
      for (const [id, stream] of streams) this.streamCache.set(id, stream);
      this.counters.commits += 1;
      this.counters.writes += batch.length;
      this.onCommit?.(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
      batch.forEach((operation, i) => {
        const outcome = outcomes[i];
        if (outcome.ok) operation.resolve(outcome.value);
        else operation.reject(outcome.error);
      });
      if (this.lastPosition !== positionBefore) this.signal.notify();
    }
  }

  /** Applies one write inside the group-commit transaction. A refused write changes nothing. */
  private apply(operation: Operation, streams: Map<string, StreamRow>): Outcome {
    const cached = this.streamCache.get(operation.streamId);
    const stream =
      streams.get(operation.streamId) ?? (cached ? { ...cached } : this.loadStream(operation.streamId));
    streams.set(stream.stream_id, stream);
    if (stream.tombstoned) return { ok: false, error: new StreamDeletedError(operation.streamId) };
    switch (operation.kind) {
      case 'append': {
        const decision = this.decideAppend(stream, operation.events, operation.expected);
        if (decision.kind === 'refused') return { ok: false, error: decision.error };
        if (decision.kind === 'idempotent') return { ok: true, value: decision.result };
        return { ok: true, value: this.writeEvents(stream, operation.events) };
      }
      case 'metadata': {
        const error = checkExpected(stream.meta_revision, operation.expected, operation.streamId, true);
        if (error) return { ok: false, error };
        const { maxCount, truncateBefore, custom } = operation.metadata;
        stream.max_count = maxCount ?? null;
        stream.truncate_before = truncateBefore ?? null;
        stream.custom_metadata = custom === undefined ? null : JSON.stringify(custom);
        if (stream.soft_deleted) {
          // As in EventStoreDB: new metadata on a deleted stream brings it back, still empty.
          stream.soft_deleted = 0;
          stream.truncate_before = Math.max(stream.truncate_before ?? 0, stream.last_revision + 1);
        }
        break;
      }
      case 'delete':
      case 'tombstone': {
        const error = checkExpected(stream.last_revision, operation.expected, operation.streamId, false);
        if (error) return { ok: false, error };
        if (operation.kind === 'delete') stream.soft_deleted = 1;
        else stream.tombstoned = 1;
        break;
      }
      default:
        return assertNever(operation);
    }
    this.writeMetadata(stream);
    return { ok: true, value: undefined };
  }

  private dropStreamCacheIfOthersWrote(): void {
    const version = this.statements.dataVersion.pluck().get() as number;
    if (version !== this.streamCacheDataVersion) {
      this.streamCache.clear();
      this.streamCacheDataVersion = version;
    }
  }

  private writeMetadata(stream: StreamRow): void {
    stream.meta_revision += 1;
    const { last_revision: _derived, ...row } = stream;
    this.statements.upsertMetadata.run(row);
  }

  private decideAppend(
    stream: StreamRow,
    events: SerializedEvent[],
    expected: ExpectedRevision,
  ):
    | { kind: 'write' }
    | { kind: 'idempotent'; result: AppendResult }
    | { kind: 'refused'; error: WrongExpectedVersionError } {
    const refuse = () => ({
      kind: 'refused' as const,
      error: new WrongExpectedVersionError(stream.stream_id, expected, actualRevision(stream)),
    });
    // Idempotency first, as EventStoreDB does: a retry of a stored append succeeds even though the
    // stream has moved on, provided the events sit where the retry's expected revision puts them.
    const first = this.statements.revisionOfEventId.get(events[0].id, stream.stream_id);
    if (first) {
      const fits =
        expected === 'any' ||
        expected === 'stream_exists' ||
        (expected === 'no_stream' && first.revision === 0) ||
        (typeof expected === 'number' && first.revision === expected + 1);
      const stored = this.statements.eventsFromRevision.all(stream.stream_id, first.revision, events.length);
      const same = stored.length === events.length && stored.every((row, i) => row.event_id === events[i].id);
      if (!fits || !same) return refuse();
      const last = stored[stored.length - 1];
      return {
        kind: 'idempotent',
        result: { nextExpectedRevision: last.revision, position: encodePosition(last.position) },
      };
    }
    const error = checkExpected(stream.last_revision, expected, stream.stream_id, false, stream);
    return error ? { kind: 'refused', error } : { kind: 'write' };
  }

  private writeEvents(stream: StreamRow, events: SerializedEvent[]): AppendResult {
    const recordedAt = Date.now();
    let position = 0;
    let revision = stream.last_revision;
    for (const event of events) {
      revision += 1;
      const result = this.statements.insertEvent.run(
        stream.stream_id,
        revision,
        event.id,
        event.type,
        event.data,
        event.metadata,
        recordedAt,
      );
      position = Number(result.lastInsertRowid);
    }
    if (stream.soft_deleted) {
      // Recreating a soft-deleted stream: the old events stay hidden, revisions continue after them.
      stream.soft_deleted = 0;
      stream.truncate_before = stream.last_revision + 1;
      this.writeMetadata(stream);
    }
    stream.last_revision = revision;
    this.lastPosition = position;
    return { nextExpectedRevision: revision, position: encodePosition(position) };
  }

  // ---- reads -------------------------------------------------------------------------------------

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    checkStreamId(streamId);
    const direction = checkDirection(options.direction);
    const from = checkStreamStart(
      options.fromRevision ?? (direction === 'forwards' ? 'start' : 'end'),
      'fromRevision',
    );
    const maxCount =
      options.maxCount === undefined ? Number.MAX_SAFE_INTEGER : checkMaxCount(options.maxCount, 'maxCount');
    this.assertOpen();
    const stream = this.readableStream(streamId);
    const firstVisible = firstVisibleRevision(stream);
    const last = stream.last_revision;
    let rows: EventRow[];
    if (direction === 'forwards') {
      const start =
        from === 'start' ? firstVisible : from === 'end' ? last + 1 : Math.max(from, firstVisible);
      rows = this.statements.eventsFromRevision.all(streamId, start, maxCount);
    } else {
      const start = from === 'end' ? last : from === 'start' ? 0 : Math.min(from, last);
      rows = this.statements.eventsBackwards.all(streamId, start, firstVisible, maxCount);
    }
    return rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const direction = checkDirection(options.direction);
    const maxCount =
      options.maxCount === undefined
        ? MAX_READ_ALL_COUNT
        : checkMaxCount(options.maxCount, 'maxCount', MAX_READ_ALL_COUNT);
    const filter = checkFilter(options.filter);
    const from = options.fromPosition ?? (direction === 'forwards' ? 'start' : 'end');
    this.assertOpen();
    if (direction === 'forwards') {
      const after = this.resolveAllStart(from);
      const head = this.lastPosition;
      if (!filter) return this.readAllForwards(after, head, filter, maxCount).map(toStoredEvent);
      const rows: EventRow[] = [];
      for (let window = after; window < head && rows.length < maxCount;) {
        const upTo = Math.min(head, window + FILTERED_SCAN_WINDOW);
        for (const row of this.readAllForwards(window, upTo, filter, maxCount - rows.length)) rows.push(row);
        window = upTo;
        if (window < head && rows.length < maxCount) {
          await yieldToEventLoop();
          this.assertOpen();
        }
      }
      return rows.map(toStoredEvent);
    }
    const before =
      from === 'end' ? this.lastPosition + 1 : from === 'start' ? 0 : decodePosition(from, 'fromPosition');
    return this.readAllStatement('backwards', filter)
      .all(before, ...filterParams(filter), maxCount)
      .map(toStoredEvent);
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadataResult> {
    checkStreamId(streamId);
    this.assertOpen();
    const stream = this.loadStream(streamId);
    if (stream.tombstoned) throw new StreamDeletedError(streamId);
    const metadata: { -readonly [K in keyof StreamMetadata]: StreamMetadata[K] } = {};
    if (stream.max_count !== null) metadata.maxCount = stream.max_count;
    if (stream.soft_deleted) metadata.truncateBefore = Number.MAX_SAFE_INTEGER;
    else if (stream.truncate_before !== null) metadata.truncateBefore = stream.truncate_before;
    if (stream.custom_metadata !== null) metadata.custom = JSON.parse(stream.custom_metadata) as JsonObject;
    return { streamId, metadata, metaRevision: stream.meta_revision >= 0 ? stream.meta_revision : null };
  }

  // ---- subscriptions -----------------------------------------------------------------------------

  subscribeToAll(options: SubscribeToAllOptions = {}): Subscription {
    const filter = checkFilter(options.filter);
    const from = options.fromPosition ?? 'start';
    this.assertOpen();
    const startAfter = this.resolveAllStart(from);
    return this.signal.subscription(
      async function* (this: SqliteEventStore, isClosed: () => boolean): AsyncGenerator<SubscriptionMessage> {
        let after = startAfter;
        let caughtUp = false;
        while (!isClosed()) {
          const head = this.lastPosition;
          if (head > after) {
            const upTo = filter ? Math.min(head, after + FILTERED_SCAN_WINDOW) : head;
            const rows = this.readAllForwards(after, upTo, filter, SUBSCRIPTION_PAGE);
            for (const row of rows) {
              if (isClosed()) return;
              after = row.position;
              yield { kind: 'event', event: toStoredEvent(row) };
            }
            if (rows.length < SUBSCRIPTION_PAGE) after = Math.max(after, upTo);
            if (upTo < head) await yieldToEventLoop();
            continue;
          }
          if (!caughtUp) {
            caughtUp = true;
            yield { kind: 'caughtUp' };
            continue;
          }
          await this.signal.nextCommit(() => this.lastPosition > after);
        }
      }.bind(this),
    );
  }

  subscribeToStream(streamId: string, options: SubscribeToStreamOptions = {}): Subscription {
    checkStreamId(streamId);
    const from = checkStreamStart(options.fromRevision ?? 'start', 'fromRevision');
    this.assertOpen();
    const startAfter =
      from === 'start' ? -1 : from === 'end' ? this.loadStream(streamId).last_revision : from;
    return this.signal.subscription(
      async function* (this: SqliteEventStore, isClosed: () => boolean): AsyncGenerator<SubscriptionMessage> {
        let after = startAfter;
        let caughtUp = false;
        while (!isClosed()) {
          const stream = this.loadStream(streamId);
          if (stream.tombstoned) throw new StreamDeletedError(streamId);
          if (stream.last_revision > after) {
            const start = Math.max(
              after + 1,
              stream.soft_deleted ? stream.last_revision + 1 : firstVisibleRevision(stream),
            );
            const rows = this.statements.eventsFromRevision.all(streamId, start, SUBSCRIPTION_PAGE);
            for (const row of rows) {
              if (isClosed()) return;
              after = row.revision;
              yield { kind: 'event', event: toStoredEvent(row) };
            }
            if (rows.length === 0) after = stream.last_revision;
            continue;
          }
          if (!caughtUp) {
            caughtUp = true;
            yield { kind: 'caughtUp' };
            continue;
          }
          await this.signal.nextCommit(() => this.loadStream(streamId).last_revision > after);
        }
      }.bind(this),
    );
  }

  /** Commits made and writes (appends, metadata, deletes) they carried, since the store was opened. */
  stats(): { commits: number; writes: number } {
    return { ...this.counters };
  }

  // ---- lifecycle ---------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.signal.close();
    // The worker's connection first: the last one to close copies what is left of the log.
    await this.checkpointer?.close();
    this.db.close();
  }

  // ---- helpers -----------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The embedded event store has been closed.');
  }

  private loadStream(streamId: string): StreamRow {
    const last_revision = this.statements.lastRevision.pluck().get(streamId) ?? -1;
    const metadata = this.statements.metadataRow.get(streamId);
    if (metadata) return { ...metadata, last_revision };
    return {
      stream_id: streamId,
      last_revision,
      meta_revision: -1,
      max_count: null,
      truncate_before: null,
      custom_metadata: null,
      soft_deleted: 0,
      tombstoned: 0,
    };
  }

  /** The stream as a reader may see it, or the error a reader gets. */
  private readableStream(streamId: string): StreamRow {
    const stream = this.loadStream(streamId);
    if (stream.tombstoned) throw new StreamDeletedError(streamId);
    if (stream.last_revision < 0 || stream.soft_deleted) throw new StreamNotFoundError(streamId);
    return stream;
  }

  private resolveAllStart(from: AllStart): number {
    if (from === 'start') return 0;
    if (from === 'end') return this.lastPosition;
    return decodePosition(from, 'fromPosition');
  }

  private readAllForwards(
    after: number,
    upTo: number,
    filter: EventFilter | undefined,
    maxCount: number,
  ): EventRow[] {
    return this.readAllStatement('forwards', filter).all(after, upTo, ...filterParams(filter), maxCount);
  }

  private readAllStatement(direction: 'forwards' | 'backwards', filter: EventFilter | undefined) {
    const prefixes = filter?.streamPrefixes ?? [];
    const types = filter?.eventTypes ?? [];
    const key = `${direction}|${prefixes.map((p) => p.length).join(',')}|${types.length}`;
    let statement = this.readAllStatements.get(key);
    if (!statement) {
      const where = direction === 'forwards' ? ['position > ?', 'position <= ?'] : ['position < ?'];
      if (prefixes.length > 0)
        where.push(`(${prefixes.map((p) => `substr(stream_id, 1, ${p.length}) = ?`).join(' OR ')})`);
      if (types.length > 0) where.push(`type IN (${types.map(() => '?').join(', ')})`);
      const order = direction === 'forwards' ? 'ASC' : 'DESC';
      statement = this.db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE ${where.join(' AND ')} ORDER BY position ${order} LIMIT ?`,
      );
      this.readAllStatements.set(key, statement);
    }
    return statement;
  }

  /** Another process may write to the same file: pick up its commits (cheap when nothing changed). */
  private lastDataVersion = -1;
  private refreshFromOtherWriters(): boolean {
    if (this.closed) return false;
    const version = this.statements.dataVersion.pluck().get() as number;
    if (version === this.lastDataVersion) return false;
    this.lastDataVersion = version;
    const head = this.statements.maxPosition.pluck().get() ?? 0;
    if (head <= this.lastPosition) return true; // a metadata change, say: let waiters look again
    this.lastPosition = head;
    return true;
  }
}

function toStoredEvent(row: EventRow): StoredEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: encodePosition(row.position),
    type: row.type,
    data: JSON.parse(row.data) as StoredEvent['data'],
    metadata: JSON.parse(row.metadata) as JsonObject,
    recordedAt: new Date(row.recorded_at),
  };
}

function filterParams(filter: EventFilter | undefined): string[] {
  return [...(filter?.streamPrefixes ?? []), ...(filter?.eventTypes ?? [])];
}

function firstVisibleRevision(stream: StreamRow): number {
  const byTruncate = stream.truncate_before ?? 0;
  const byCount = stream.max_count === null ? 0 : stream.last_revision - stream.max_count + 1;
  return Math.max(byTruncate, byCount, 0);
}

function actualRevision(stream: StreamRow): ActualRevision {
  return stream.last_revision >= 0 ? stream.last_revision : 'no_stream';
}

/**
 * EventStoreDB's expected-revision rules. For a stream (`isMetadata` false): `no_stream` holds when
 * there are no events or the stream was soft-deleted; `stream_exists` when there are events or
 * metadata; a number when it equals the last revision (also after a soft delete, which recreates).
 * For metadata, the same rules apply to the metadata's own revision.
 */
function checkExpected(
  current: number,
  expected: ExpectedRevision,
  streamId: string,
  isMetadata: boolean,
  stream?: StreamRow,
): WrongExpectedVersionError | undefined {
  const softDeleted = !isMetadata && stream !== undefined && stream.soft_deleted === 1;
  const hasMetadata = !isMetadata && stream !== undefined && stream.meta_revision >= 0;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' && (current < 0 || softDeleted)) ||
    (expected === 'stream_exists' && (current >= 0 || hasMetadata)) ||
    (typeof expected === 'number' && current === expected);
  return ok
    ? undefined
    : new WrongExpectedVersionError(streamId, expected, current >= 0 ? current : 'no_stream');
}

function assertNever(value: never): never {
  throw new Error(`Unhandled operation: ${JSON.stringify(value)}`);
}
