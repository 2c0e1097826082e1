import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ConcurrencyConflictError, DomainRuleError, LIMITS, upcast, type StreamDefinition } from '@kb/domain';
import {
  EVENT_STORE,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type EventStore,
  type EventToAppend,
  type JsonObject,
  type JsonValue,
  type StoredEvent,
} from '@kb/event-store';
import { inputDigest, nameBasedUuid } from './deterministic-id';
import type { CommandContext, EventMetadata } from './event-metadata';
import { StreamLock } from './stream-lock';

export interface LoadedStream<Event, State> {
  readonly state: State;
  /** Revision of the last event (0-based); -1 when the stream has none. */
  readonly revision: number;
  readonly events: ReadonlyArray<{ readonly event: Event; readonly stored: StoredEvent }>;
}

export interface CommandOutcome<Event, State> {
  readonly entityId: string;
  /** The stream's revision after the write (or after the first write, for a replayed idempotent retry). */
  readonly revision: number;
  /** Position of the last event written, to wait for projections; null when nothing was written. */
  readonly position: string | null;
  /** The events written (or written the first time, for a replay). */
  readonly events: Event[];
  /** The state after the write, as decided. */
  readonly state: State;
  readonly replayed: boolean;
}

/** The outcome of a command on a stream of this definition. */
export type OutcomeOf<Definition> =
  Definition extends StreamDefinition<never, infer Event, infer State> ? CommandOutcome<Event, State> : never;

/** A clock the tests can set. */
export const CLOCK = Symbol('CLOCK');
export type Clock = () => Date;

const MAX_ATTEMPTS = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Runs a command against its stream: load, (replay an idempotent retry,) check the caller's expected
 * revision, decide, append with the loaded revision. Without a caller's expectedRevision, an append
 * that lost a race is decided again on fresh state, up to 10 times; with one, it is a conflict.
 */
@Injectable()
export class CommandExecutor {
  private readonly lock = new StreamLock();
  private readonly logger = new Logger(CommandExecutor.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * @param input the caller's input, as given: an idempotency key is bound to its digest.
   */
  async execute<Command, Event extends { type: string; data: unknown }, State>(
    definition: StreamDefinition<Command, Event, State>,
    entityId: string,
    command: Command,
    context: CommandContext,
    input: unknown,
  ): Promise<CommandOutcome<Event, State>> {
    const streamId = definition.streamId(entityId);
    const digest = context.idempotencyKey === undefined ? undefined : inputDigest(input);
    if (context.idempotencyKey !== undefined && context.idempotencyKey.length > LIMITS.idempotencyKeyMax)
      throw new DomainRuleError('idempotencyKey', `must be at most ${LIMITS.idempotencyKeyMax} characters`);
    return this.lock.run(streamId, async () => {
      for (let attempt = 1; ; attempt++) {
        const loaded = await this.load(definition, entityId);
        const replay = this.replay(loaded, entityId, context, digest);
        if (replay) return replay;
        if (context.expectedRevision !== undefined && context.expectedRevision !== loaded.revision)
          throw new ConcurrencyConflictError(entityId, context.expectedRevision, loaded.revision);

        const now = this.clock();
        const events = definition.decide(command, loaded.state, now);
        const state = events.reduce(definition.evolve, loaded.state);
        if (events.length === 0)
          return { entityId, revision: loaded.revision, position: null, events, state, replayed: false };

        const toAppend = this.toStoreEvents(
          definition,
          streamId,
          loaded.revision,
          events,
          context,
          digest,
          now,
        );
        try {
          const result = await this.store.appendToStream(streamId, toAppend, {
            expectedRevision: loaded.revision < 0 ? 'no_stream' : loaded.revision,
          });
          return {
            entityId,
            revision: result.nextExpectedRevision,
            position: result.position,
            events,
            state,
            replayed: false,
          };
        } catch (error) {
          if (!(error instanceof WrongExpectedVersionError)) throw error;
          const current = typeof error.actual === 'number' ? error.actual : -1;
          if (context.expectedRevision !== undefined)
            throw new ConcurrencyConflictError(entityId, context.expectedRevision, current);
          if (attempt >= MAX_ATTEMPTS) {
            this.logger.warn(`Gave up on ${streamId} after ${attempt} concurrent writes got there first.`);
            throw new ConcurrencyConflictError(entityId, loaded.revision, current);
          }
          await sleep(Math.random() * Math.min(50, 2 ** attempt));
        }
      }
    });
  }

  /** The stream's events (upcast to their current versions) and state, optionally as known at `asOf`. */
  async load<Command, Event extends { type: string; data: unknown }, State>(
    definition: StreamDefinition<Command, Event, State>,
    entityId: string,
    options: { asOf?: Date } = {},
  ): Promise<LoadedStream<Event, State>> {
    // An id that is not a UUID names nothing: no stream to read (and no odd stream name to send).
    if (!UUID.test(entityId)) return { state: definition.initialState, revision: -1, events: [] };
    let stored: StoredEvent[];
    try {
      stored = await this.store.readStream(definition.streamId(entityId));
    } catch (error) {
      if (error instanceof StreamNotFoundError)
        return { state: definition.initialState, revision: -1, events: [] };
      throw error;
    }
    if (options.asOf) {
      const asOf = options.asOf.getTime();
      stored = stored.filter((e) => e.recordedAt.getTime() <= asOf);
    }
    const events = stored.map((s) => ({
      stored: s,
      event: upcast(definition.catalogue, s.type, schemaVersionOf(s.metadata), s.data),
    }));
    return {
      state: events.reduce((state, { event }) => definition.evolve(state, event), definition.initialState),
      revision: stored.length === 0 ? -1 : stored[stored.length - 1].revision,
      events,
    };
  }

  /** An idempotent retry: the events this actor wrote under this key, or a refusal when the input differs. */
  private replay<Event, State>(
    loaded: LoadedStream<Event, State>,
    entityId: string,
    context: CommandContext,
    digest: string | undefined,
  ): CommandOutcome<Event, State> | undefined {
    if (context.idempotencyKey === undefined) return undefined;
    const earlier = loaded.events.filter(
      ({ stored }) =>
        stored.metadata.idempotencyKey === context.idempotencyKey && stored.metadata.actor === context.actor,
    );
    if (earlier.length === 0) return undefined;
    if (earlier[0].stored.metadata.inputDigest !== digest)
      throw new DomainRuleError(
        'idempotencyKey',
        'was already used for a request with a different input; use a new key for a new request',
      );
    const last = earlier[earlier.length - 1].stored;
    return {
      entityId,
      revision: last.revision,
      position: last.position,
      events: earlier.map((e) => e.event),
      state: loaded.state,
      replayed: true,
    };
  }

  private toStoreEvents<Event extends { type: string; data: unknown }>(
    definition: Pick<StreamDefinition<never, Event, never>, 'catalogue' | 'causedByPrevious'>,
    streamId: string,
    revision: number,
    events: Event[],
    context: CommandContext,
    digest: string | undefined,
    now: Date,
  ): EventToAppend[] {
    const ids = events.map((event, i) =>
      context.eventIdOf
        ? context.eventIdOf(event)
        : context.idempotencyKey === undefined
          ? randomUUID()
          : nameBasedUuid(`${streamId}\n${context.actor}\n${context.idempotencyKey}\n${revision + 1 + i}`),
    );
    return events.map((event, i) => {
      const metadata: EventMetadata = {
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: i > 0 && definition.causedByPrevious?.(event) ? ids[i - 1] : null,
        occurredAt: now.toISOString(),
        schemaVersion: (definition.catalogue.versions as Record<string, number>)[event.type],
      };
      if (context.idempotencyKey !== undefined) {
        metadata.idempotencyKey = context.idempotencyKey;
        metadata.inputDigest = digest ?? null;
      }
      return {
        id: ids[i],
        type: event.type,
        data: event.data as JsonValue,
        metadata: metadata,
      };
    });
  }
}

function schemaVersionOf(metadata: JsonObject): number {
  return typeof metadata.schemaVersion === 'number' ? metadata.schemaVersion : 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
