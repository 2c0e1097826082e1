/**
 * The event store port: what the rest of the product may ask of an event store.
 *
 * EventStoreDB's semantics are the reference. Two implementations exist: the embedded SQLite store
 * (the default) and the EventStoreDB adapter over `@eventstore/db-client`. One contract suite
 * (`test/event-store.contract.ts`) runs against both, so behaviour never depends on which is in use.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * A position in the global log (`$all`). Opaque: never parse it. Positions of one store are strictly
 * increasing in store order and compare correctly as plain strings (`a < b` means `a` came first).
 */
export type Position = string;

/** Where a read or subscription over `$all` starts. A position is exclusive: reading starts after it. */
// eslint-disable-next-line @typescript-eslint/no-redundant-type-constituents -- the literals document the choices
export type AllStart = 'start' | 'end' | Position;

/** Where a read of one stream starts: a revision is inclusive for reads, exclusive for subscriptions. */
export type StreamStart = 'start' | 'end' | number;

/**
 * Optimistic concurrency for a write, as in EventStoreDB:
 * - `any`: no check;
 * - `no_stream`: the stream has no events (a soft-deleted stream counts as having none);
 * - `stream_exists`: the stream, or its metadata, exists;
 * - a number: the revision of the stream's last event (0-based) must equal it.
 */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface EventToAppend {
  /** A UUID chosen by the writer: appending the same ids again is an idempotent no-op. */
  readonly id: string;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata?: JsonObject;
}

export interface StoredEvent {
  readonly id: string;
  readonly streamId: string;
  /** 0-based position of the event in its stream. */
  readonly revision: number;
  readonly position: Position;
  readonly type: string;
  readonly data: JsonValue;
  readonly metadata: JsonObject;
  /** When the store accepted the event. */
  readonly recordedAt: Date;
}

export interface AppendResult {
  /** Revision of the stream's last event after this append: pass it as the next expectedRevision. */
  readonly nextExpectedRevision: number;
  /** Position of the last event of this append in `$all`. */
  readonly position: Position;
}

export interface AppendOptions {
  readonly expectedRevision?: ExpectedRevision;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  readonly direction?: Direction;
  /** Inclusive. Default: `start` forwards, `end` backwards. */
  readonly fromRevision?: StreamStart;
  /** Default: every event. */
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Only streams whose id starts with one of these prefixes. */
  readonly streamPrefixes?: readonly string[];
  /** Only events with one of these exact type names. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  readonly direction?: Direction;
  /** Exclusive. Default: `start` forwards, `end` backwards. */
  readonly fromPosition?: AllStart;
  /** Default and maximum: {@link MAX_READ_ALL_COUNT}. */
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export const MAX_READ_ALL_COUNT = 4096;

export interface SubscribeToAllOptions {
  /** Exclusive. Default `start`: every event, then live. `end`: only events stored after subscribing. */
  readonly fromPosition?: AllStart;
  readonly filter?: EventFilter;
}

export interface SubscribeToStreamOptions {
  /** Exclusive: the first event delivered is the one after this revision. Default `start`. */
  readonly fromRevision?: StreamStart;
}

/**
 * What a catch-up subscription yields, in store order: every stored event once, and a single
 * `caughtUp` when it has delivered the history and switches to live events.
 */
export type SubscriptionMessage =
  { readonly kind: 'event'; readonly event: StoredEvent } | { readonly kind: 'caughtUp' };

/**
 * A catch-up subscription. Iterate it with `for await`; it pulls, so a slow consumer is never
 * flooded and never skips. It ends when `close()` is called; it throws if it fails for good.
 */
export interface Subscription extends AsyncIterable<SubscriptionMessage> {
  close(): Promise<void>;
}

export interface StreamMetadata {
  /** Only the last `maxCount` events of the stream are visible to reads. */
  readonly maxCount?: number;
  /** Events with a lower revision are invisible to reads. */
  readonly truncateBefore?: number;
  /** Application metadata, stored as given. */
  readonly custom?: JsonObject;
}

export interface StreamMetadataResult {
  readonly streamId: string;
  readonly metadata: StreamMetadata;
  /** Revision of the stream's metadata (0-based); `null` when none was ever set. */
  readonly metaRevision: number | null;
}

export interface DeleteResult {
  /** Position of the delete in the log, where the store reports one. */
  readonly position?: Position;
}

export interface EventStore {
  /** Appends atomically: all events or none. Resolves only once the store has durably accepted them. */
  appendToStream(
    streamId: string,
    events: readonly EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult>;

  /** @throws StreamNotFoundError when the stream has no events or was soft-deleted; StreamDeletedError when tombstoned. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;

  /** A page of the global log, system events excluded. */
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;

  subscribeToAll(options?: SubscribeToAllOptions): Subscription;

  subscribeToStream(streamId: string, options?: SubscribeToStreamOptions): Subscription;

  getStreamMetadata(streamId: string): Promise<StreamMetadataResult>;

  /** Replaces the stream's metadata. `expectedRevision` applies to the metadata's own revision. */
  setStreamMetadata(streamId: string, metadata: StreamMetadata, options?: AppendOptions): Promise<void>;

  /**
   * Soft delete: the stream reads as not found; appending again recreates it, with revisions
   * continuing after the deleted ones (EventStoreDB semantics).
   */
  deleteStream(streamId: string, options?: AppendOptions): Promise<DeleteResult>;

  /** Hard delete: the stream can never be read or written again (StreamDeletedError). */
  tombstoneStream(streamId: string, options?: AppendOptions): Promise<DeleteResult>;

  /** Waits for appends in flight, then releases the store. */
  close(): Promise<void>;
}

/** Nest injection token for the configured {@link EventStore}. */
export const EVENT_STORE = Symbol('EVENT_STORE');
