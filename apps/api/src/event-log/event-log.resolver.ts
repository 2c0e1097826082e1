import { Inject } from '@nestjs/common';
import { Args, Context, Field, ID, InputType, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { DomainRuleError, INCIDENT_STREAM_PREFIX, ACTION_ITEM_STREAM_PREFIX } from '@kb/domain';
import {
  EVENT_STORE,
  type EventFilter as StoreFilter,
  type EventStore,
  type StoredEvent,
} from '@kb/event-store';
import { Projector } from '@kb/read-models';
import type { ApiContext } from '../graphql/api-context';
import { ConnectionType } from '../graphql/connection';
import { Allow } from '../graphql/roles.guard';
import { Incident } from '../incidents/incident.type';
import { RecordedEvent, toRecordedEvent } from './recorded-event.type';
import { lastEventOfDecision, liveEvents } from './live-events';
import { ApiKeyRevocations } from '../graphql/websocket/api-key-revocations';

/** The streams the event log serves: the knowledge base's own (not, e.g., API keys). */
export const PUBLIC_STREAM_PREFIXES = [INCIDENT_STREAM_PREFIX, ACTION_ITEM_STREAM_PREFIX] as const;
const MAX_EVENT_PAGE = 1000;
const MAX_TYPES = 100;

@InputType('EventFilter')
export class EventFilterInput {
  @Field(() => [String], { nullable: true, description: 'Event type names, e.g. IncidentReported.' })
  types?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Stream id prefix, e.g. incident- or action-item-.' })
  streamPrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'Exclusive: start after this position.' })
  fromPosition?: string | null;
}

export const EventConnection = ConnectionType('Event', () => RecordedEvent, { withTotalCount: false });

/** The filter for the store: only the knowledge base's streams, narrowed by the caller's prefix and types. */
export function storeFilterOf(filter: EventFilterInput | null | undefined): StoreFilter {
  const prefix = filter?.streamPrefix ?? '';
  const streamPrefixes = prefix
    ? PUBLIC_STREAM_PREFIXES.some((p) => prefix.startsWith(p))
      ? [prefix]
      : PUBLIC_STREAM_PREFIXES.filter((p) => p.startsWith(prefix))
    : [...PUBLIC_STREAM_PREFIXES];
  if (streamPrefixes.length === 0)
    throw new DomainRuleError(
      'filter.streamPrefix',
      `must name incident or action-item streams (start with '${INCIDENT_STREAM_PREFIX}' or '${ACTION_ITEM_STREAM_PREFIX}'), not '${prefix.slice(0, 100)}'.`,
    );
  const types = filter?.types ?? [];
  if (types.length > MAX_TYPES)
    throw new DomainRuleError('filter.types', `holds at most ${MAX_TYPES} names.`);
  return { streamPrefixes, ...(types.length > 0 ? { eventTypes: types } : {}) };
}

@Resolver()
export class EventLogResolver {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly projector: Projector,
    private readonly revocations: ApiKeyRevocations,
  ) {}

  /** Asked before each event a subscription delivers: nothing reaches a key once it is revoked. */
  private keyStillValid(context: ApiContext): () => Promise<boolean> {
    return async () => !(await this.revocations.isRevoked(context.principal.apiKeyId));
  }

  @Allow('ANALYST')
  @Query(() => EventConnection, { description: 'The raw event log, for catching up before subscribing.' })
  async events(
    @Args('filter', { type: () => EventFilterInput, nullable: true }) filter: EventFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 100 }) first: number,
    @Args('after', { type: () => String, nullable: true, description: 'An endCursor (a position).' })
    after: string | null,
  ) {
    if (!Number.isInteger(first) || first < 0 || first > MAX_EVENT_PAGE)
      throw new DomainRuleError('first', `must be an integer from 0 to ${MAX_EVENT_PAGE}, got ${first}.`);
    const page: StoredEvent[] = await this.store.readAll({
      fromPosition: after ?? filter?.fromPosition ?? 'start',
      maxCount: first + 1,
      filter: storeFilterOf(filter),
    });
    const edges = page
      .slice(0, first)
      .map((event) => ({ cursor: event.position, node: toRecordedEvent(event) }));
    return {
      edges,
      pageInfo: { hasNextPage: page.length > first, endCursor: edges.at(-1)?.cursor ?? after ?? null },
    };
  }

  @Allow('ANALYST')
  @Subscription(() => RecordedEvent, {
    name: 'events',
    description:
      'Each new event as it is stored, in store order; pass fromPosition to catch up first, with no gap and no duplicate.',
    resolve: (event: RecordedEvent) => event,
  })
  eventsSubscription(
    @Args('filter', { type: () => EventFilterInput, nullable: true }) filter: EventFilterInput | null,
    @Context() context: ApiContext,
  ) {
    const storeFilter = storeFilterOf(filter);
    const subscription = this.store.subscribeToAll({
      fromPosition: filter?.fromPosition ?? 'end',
      filter: storeFilter,
    });
    return liveEvents(subscription, async (event) => toRecordedEvent(event), this.keyStillValid(context));
  }

  @Allow('VIEWER')
  @Subscription(() => Incident, {
    description:
      'The incident (or any incident when id is null) each time it changes, as the read model shows it after the change.',
    resolve: (incident: Incident) => incident,
  })
  incidentChanged(
    @Args('id', { type: () => ID, nullable: true }) id: string | null,
    @Context() context: ApiContext,
  ) {
    const streamId = id ? `${INCIDENT_STREAM_PREFIX}${id}` : null;
    const subscription = this.store.subscribeToAll({
      fromPosition: 'end',
      filter: { streamPrefixes: [streamId ?? INCIDENT_STREAM_PREFIX] },
    });
    // One notification per change: the events that follow from a change's first event in the same
    // append (e.g. IncidentStatusChanged after MilestoneRecorded) are covered by its notification.
    let covered: StoredEvent | null = null;
    return liveEvents(
      subscription,
      async (event) => {
        // The store filters by prefix: an id that is the start of other ids (`incident-1` of
        // `incident-1f0c...`) must not get their changes. Only the exact stream counts.
        if (streamId !== null && event.streamId !== streamId) return null;
        if (covered && covered.streamId === event.streamId && event.revision <= covered.revision) return null;
        covered = await lastEventOfDecision(this.store, event);
        await this.projector.waitForPosition(covered.position, 10_000);
        context.loaders.clearAll();
        const incidentId = event.streamId.slice(INCIDENT_STREAM_PREFIX.length);
        return context.loaders.incident.load(incidentId);
      },
      this.keyStillValid(context),
    );
  }
}
