import { createHash, randomUUID } from 'node:crypto';
import {
  status,
  type ServerErrorResponse,
  type ServerWritableStream,
  type handleServerStreamingCall,
} from '@grpc/grpc-js';
import { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import {
  MAX_READ_ALL_COUNT,
  StreamNotFoundError,
  type AllStart,
  type Direction,
  type EventFilter,
  type EventStore,
  type StoredEvent,
  type StreamStart,
  type Subscription,
} from '../../src';
import { statusError, toStatusError } from './esdb-grpc-errors';
import {
  WireError,
  streamNameOf,
  toLogPosition,
  toPortPosition,
  toReadResp,
  toStreamIdentifier,
  toWireMetadata,
} from './esdb-wire.mapper';

type Options = ReadReq.Options;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const STREAM_PAGE = 512;
/** The server's default search window; a filtered subscription checkpoints every window × multiplier. */
const DEFAULT_SEARCH_WINDOW = 32;
const NO_LOG_POSITION = '00000000000000000000';

/** A subscription call in progress, which the server can drop or silence (to test clients). */
export class ActiveSubscription {
  private stalled = false;
  private endedBy: ServerErrorResponse | 'client' | undefined;
  private readonly ended: Promise<void>;
  private signalEnd!: () => void;

  constructor(
    call: ReadCall,
    private readonly subscription: Subscription,
  ) {
    this.ended = new Promise((resolve) => (this.signalEnd = resolve));
    call.on('cancelled', () => this.end('client'));
  }

  /** Ends the call with an error status, as a server going away would. */
  drop(error: ServerErrorResponse): void {
    this.end(error);
  }

  /** Keeps the call open but delivers nothing more: a subscription gone silent. */
  stall(): void {
    this.stalled = true;
  }

  /** Waits while stalled; false once the call has ended. */
  async proceed(): Promise<boolean> {
    if (this.stalled) await this.ended;
    return this.endedBy === undefined;
  }

  get endError(): ServerErrorResponse | undefined {
    return this.endedBy === 'client' ? undefined : this.endedBy;
  }

  private end(by: ServerErrorResponse | 'client'): void {
    if (this.endedBy !== undefined) return;
    this.endedBy = by;
    this.signalEnd();
    void this.subscription.close();
  }
}

export interface SubscriptionRegistry {
  add(subscription: ActiveSubscription): void;
  delete(subscription: ActiveSubscription): void;
  /** Counts the events written to subscription calls. */
  eventSent(): void;
}

/**
 * Streams.Read: reads of a stream or of $all, forwards or backwards, and catch-up subscriptions
 * (confirmation, history, `caught_up`, then live events). Reads of `$$<stream>` answer with the
 * stream's current metadata as a `$metadata` event.
 */
export function readHandler(
  store: EventStore,
  subscriptions: SubscriptionRegistry,
  track: <T>(work: Promise<T>) => Promise<T>,
): handleServerStreamingCall<ReadReq, ReadResp> {
  return (call) => {
    const writer = new ResponseWriter(call);
    const options = call.request.getOptions();
    const streamName = streamNameOf(options?.getStream()?.getStreamIdentifier());
    void track(read(store, subscriptions, writer, options)).then(
      () => writer.end(),
      (error: unknown) => writer.fail(isStatusError(error) ? error : toStatusError(error, streamName)),
    );
  };
}

async function read(
  store: EventStore,
  subscriptions: SubscriptionRegistry,
  writer: ResponseWriter,
  options: Options | undefined,
): Promise<void> {
  if (!options) throw new WireError('A read needs options.');
  const subscribing = options.getCountOptionCase() === ReadReq.Options.CountOptionCase.SUBSCRIPTION;
  const streamOptions = options.getStream();
  const allOptions = options.getAll();
  if (streamOptions) {
    const streamName = streamNameOf(streamOptions.getStreamIdentifier());
    if (subscribing) return subscribeToStream(store, subscriptions, writer, streamName, streamOptions);
    return readStream(store, writer, streamName, streamOptions, options);
  }
  if (allOptions) {
    if (subscribing) return subscribeToAll(store, subscriptions, writer, allOptions, options);
    return readAll(store, writer, allOptions, options);
  }
  throw new WireError('A read names a stream or $all.');
}

// ---- reads ------------------------------------------------------------------------------------------

async function readStream(
  store: EventStore,
  writer: ResponseWriter,
  streamName: string,
  streamOptions: ReadReq.Options.StreamOptions,
  options: Options,
): Promise<void> {
  const direction = directionOf(options);
  let from = streamStartOf(streamOptions);
  let remaining = countOf(options);
  if (streamName.startsWith('$$'))
    return readMetastream(store, writer, streamName, from, direction, remaining);
  if (streamName.startsWith('$')) return writer.streamNotFound(streamName);
  while (remaining > 0) {
    let events: StoredEvent[];
    try {
      events = await store.readStream(streamName, {
        direction,
        fromRevision: from,
        maxCount: Math.min(remaining, STREAM_PAGE),
      });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return writer.streamNotFound(streamName);
      throw error;
    }
    for (const event of events) if (!(await writer.write(toReadResp(event, false)))) return;
    remaining -= events.length;
    const last = events.at(-1);
    if (!last || events.length < STREAM_PAGE) return;
    from = direction === 'forwards' ? last.revision + 1 : last.revision - 1;
    if (from < 0) return;
  }
}

/** The port keeps only the current metadata, so the metastream reads as holding just that event. */
async function readMetastream(
  store: EventStore,
  writer: ResponseWriter,
  metastream: string,
  from: StreamStart,
  direction: Direction,
  count: number,
): Promise<void> {
  const { metadata, metaRevision } = await store.getStreamMetadata(metastream.slice(2));
  if (metaRevision === null) return writer.streamNotFound(metastream);
  const inRange =
    direction === 'forwards'
      ? from === 'start' || (typeof from === 'number' && from <= metaRevision)
      : from === 'end' || (typeof from === 'number' && from >= metaRevision);
  if (!inRange || count < 1) return;
  const event: StoredEvent = {
    id: uuidFrom(`${metastream}@${metaRevision}`),
    streamId: metastream,
    revision: metaRevision,
    position: NO_LOG_POSITION,
    type: '$metadata',
    data: toWireMetadata(metadata),
    metadata: {},
    recordedAt: new Date(),
  };
  await writer.write(toReadResp(event, false));
}

async function readAll(
  store: EventStore,
  writer: ResponseWriter,
  allOptions: ReadReq.Options.AllOptions,
  options: Options,
): Promise<void> {
  const direction = directionOf(options);
  const filter = filterOf(options);
  let remaining = countOf(options);
  let from = allReadStartOf(allOptions, direction);
  while (remaining > 0) {
    const events = await store.readAll({
      direction,
      fromPosition: from,
      maxCount: MAX_READ_ALL_COUNT,
      filter: filter.port,
    });
    for (const event of events) {
      from = event.position;
      if (!filter.accepts(event)) continue;
      if (!(await writer.write(toReadResp(event, true)))) return;
      if (--remaining === 0) return;
    }
    if (events.length < MAX_READ_ALL_COUNT) return;
  }
}

// ---- subscriptions ------------------------------------------------------------------------------------

async function subscribeToStream(
  store: EventStore,
  subscriptions: SubscriptionRegistry,
  writer: ResponseWriter,
  streamName: string,
  streamOptions: ReadReq.Options.StreamOptions,
): Promise<void> {
  if (streamName.startsWith('$'))
    throw statusError(
      status.UNIMPLEMENTED,
      `The fake server cannot subscribe to system stream '${streamName}'.`,
    );
  const subscription = store.subscribeToStream(streamName, { fromRevision: streamStartOf(streamOptions) });
  await pump(subscriptions, writer, subscription, { accepts: () => true, withCommitPosition: false });
}

async function subscribeToAll(
  store: EventStore,
  subscriptions: SubscriptionRegistry,
  writer: ResponseWriter,
  allOptions: ReadReq.Options.AllOptions,
  options: Options,
): Promise<void> {
  const filter = filterOf(options);
  const subscription = store.subscribeToAll({
    fromPosition: allSubscriptionStartOf(allOptions),
    filter: filter.port,
  });
  await pump(subscriptions, writer, subscription, {
    accepts: filter.accepts,
    withCommitPosition: true,
    checkpointEvery: filter.checkpointEvery,
  });
}

/** Confirmation, then every message of the port's subscription, until either side ends it. */
async function pump(
  subscriptions: SubscriptionRegistry,
  writer: ResponseWriter,
  subscription: Subscription,
  options: { accepts(event: StoredEvent): boolean; withCommitPosition: boolean; checkpointEvery?: number },
): Promise<void> {
  const active = new ActiveSubscription(writer.call, subscription);
  subscriptions.add(active);
  try {
    const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
    if (!(await writer.write(new ReadResp().setConfirmation(confirmation)))) return;
    let sinceCheckpoint = 0;
    for await (const message of subscription) {
      if (!(await active.proceed())) break;
      if (message.kind === 'caughtUp') {
        if (!(await writer.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp())))) break;
        continue;
      }
      const { event } = message;
      if (options.accepts(event)) {
        if (!(await writer.write(toReadResp(event, options.withCommitPosition)))) break;
        subscriptions.eventSent();
      } else if (options.checkpointEvery && ++sinceCheckpoint >= options.checkpointEvery) {
        sinceCheckpoint = 0;
        const logPosition = toLogPosition(event.position).toString();
        const checkpoint = new ReadResp.Checkpoint()
          .setCommitPosition(logPosition)
          .setPreparePosition(logPosition);
        if (!(await writer.write(new ReadResp().setCheckpoint(checkpoint)))) break;
      }
    }
    const dropped = active.endError;
    if (dropped) throw dropped;
  } finally {
    subscriptions.delete(active);
    await subscription.close();
  }
}

// ---- request options ----------------------------------------------------------------------------------

function directionOf(options: Options): Direction {
  return options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
}

function countOf(options: Options): number {
  const count = BigInt(options.getCount() || '0');
  return count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
}

function streamStartOf(streamOptions: ReadReq.Options.StreamOptions): StreamStart {
  const option = streamOptions.getRevisionOptionCase();
  if (option === ReadReq.Options.StreamOptions.RevisionOptionCase.REVISION)
    return Number(streamOptions.getRevision());
  return option === ReadReq.Options.StreamOptions.RevisionOptionCase.END ? 'end' : 'start';
}

/**
 * Reading $all from a position includes the event there when reading forwards and stops before it
 * when reading backwards; the port's positions are exclusive both ways.
 */
function allReadStartOf(allOptions: ReadReq.Options.AllOptions, direction: Direction): AllStart {
  const position = allOptions.getPosition();
  if (!position) return allOptions.hasEnd() ? 'end' : 'start';
  const logPosition = BigInt(position.getCommitPosition());
  if (direction === 'backwards') return toPortPosition(logPosition);
  return logPosition > 0n ? toPortPosition(logPosition - 1n) : 'start';
}

/** A subscription from a position starts after it, as the port's does. */
function allSubscriptionStartOf(allOptions: ReadReq.Options.AllOptions): AllStart {
  const position = allOptions.getPosition();
  if (!position) return allOptions.hasEnd() ? 'end' : 'start';
  return toPortPosition(BigInt(position.getCommitPosition()));
}

interface WireFilter {
  /** What the port can filter itself: stream prefixes. */
  readonly port: EventFilter | undefined;
  /** The whole filter as the server applies it. */
  readonly accepts: (event: StoredEvent) => boolean;
  readonly checkpointEvery: number | undefined;
}

function filterOf(options: Options): WireFilter {
  const filter = options.getFilter();
  if (options.getFilterOptionCase() !== ReadReq.Options.FilterOptionCase.FILTER || !filter)
    return { port: undefined, accepts: () => true, checkpointEvery: undefined };
  const onStreams = filter.getFilterCase() === ReadReq.Options.FilterOptions.FilterCase.STREAM_IDENTIFIER;
  const expression = onStreams ? filter.getStreamIdentifier() : filter.getEventType();
  if (!expression) throw new WireError('A filter needs a regex or prefixes.');
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const matches = regex
    ? (text: string) => new RegExp(regex).test(text)
    : (text: string) => prefixes.some((prefix) => text.startsWith(prefix));
  const window =
    filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX
      ? filter.getMax()
      : DEFAULT_SEARCH_WINDOW;
  return {
    port: onStreams && !regex && prefixes.length > 0 ? { streamPrefixes: prefixes } : undefined,
    accepts: (event) => matches(onStreams ? event.streamId : event.type),
    checkpointEvery: window * Math.max(1, filter.getCheckpointintervalmultiplier()),
  };
}

function uuidFrom(text: string): string {
  const hex = createHash('sha1').update(text).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function isStatusError(error: unknown): error is ServerErrorResponse {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

// ---- response stream ----------------------------------------------------------------------------------

/** Writes with backpressure: waits for the client to drain before writing more. */
class ResponseWriter {
  private finished = false;

  constructor(readonly call: ReadCall) {}

  /** False once the call is over (cancelled by the client, or ended by the server). */
  async write(response: ReadResp): Promise<boolean> {
    if (this.isOver()) return false;
    if (this.call.write(response)) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.call.off('drain', done);
        this.call.off('cancelled', done);
        this.call.off('close', done);
        resolve();
      };
      this.call.on('drain', done);
      this.call.on('cancelled', done);
      this.call.on('close', done);
    });
    return !this.isOver();
  }

  async streamNotFound(streamName: string): Promise<void> {
    const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(toStreamIdentifier(streamName));
    await this.write(new ReadResp().setStreamNotFound(notFound));
  }

  end(): void {
    if (this.isOver()) return;
    this.finished = true;
    this.call.end();
  }

  fail(error: ServerErrorResponse): void {
    if (this.isOver()) return;
    this.finished = true;
    this.call.emit('error', error);
  }

  private isOver(): boolean {
    return this.finished || this.call.cancelled || this.call.destroyed;
  }
}
