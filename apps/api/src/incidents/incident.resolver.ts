import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import {
  blamelessHints,
  MAX_ACTION_ITEMS_PER_INCIDENT,
  MAX_EVENTS_PER_INCIDENT,
  MAX_FINDINGS_PER_INCIDENT,
  MAX_LINKS_PER_INCIDENT,
  MAX_TIMELINE_ENTRIES_PER_INCIDENT,
  type DetectionSource,
  type FactorCategory,
  type IncidentKind,
  type IncidentStatus,
  type Severity,
} from '@kb/domain';
import { listIncidents, type IncidentLinkRow } from '@kb/read-models';
import { ActionItem } from '../action-items/action-item.type';
import { RecordedEvent } from '../event-log/recorded-event.type';
import { StreamHistory } from '../event-log/stream-history';
import type { ApiContext } from '../graphql/api-context';
import { ConnectionType, type Connection } from '../graphql/connection';
import {
  DetectionSourceEnum,
  FactorCategoryEnum,
  IncidentKindEnum,
  IncidentStatusEnum,
  SeverityEnum,
} from '../graphql/enums';
import { Allow, requireRole } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { Finding, Incident, IncidentLink, Postmortem, TimelineEntry } from './incident.type';

@InputType('IncidentFilter')
export class IncidentFilterInput {
  @Field(() => [IncidentKindEnum], { nullable: true })
  kinds?: IncidentKind[] | null;

  @Field(() => [SeverityEnum], { nullable: true })
  severities?: Severity[] | null;

  @Field(() => [IncidentStatusEnum], { nullable: true })
  statuses?: IncidentStatus[] | null;

  @Field(() => [String], { nullable: true, description: 'Incidents affecting any of these services.' })
  services?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Incidents with any of these tags.' })
  tags?: string[] | null;

  @Field(() => [DetectionSourceEnum], { nullable: true })
  detectionSources?: DetectionSource[] | null;

  @Field(() => [FactorCategoryEnum], {
    nullable: true,
    description:
      'Incidents with a non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of any of these categories.',
  })
  factorCategories?: FactorCategory[] | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Inclusive.' })
  startedFrom?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Exclusive.' })
  startedTo?: string | null;
}

export const IncidentConnection = ConnectionType('Incident', () => Incident);

/** The incident queries, and the fields of an incident that are not columns of its row. */
@Resolver(() => Incident)
export class IncidentResolver {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly streams: StreamHistory,
  ) {}

  @Allow('VIEWER')
  @Query(() => Incident, {
    nullable: true,
    description: 'The incident now, or as the knowledge base knew it at asOf (events recorded up to then).',
  })
  async incident(
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: string | null,
    @Context() context: ApiContext,
  ): Promise<Incident | null> {
    if (asOf) return this.streams.incidentAsOf(id, asOf);
    return context.loaders.incident.load(id);
  }

  @Allow('VIEWER')
  @Query(() => IncidentConnection, {
    description: 'Incidents newest first (by startedAt), a page at a time.',
  })
  incidents(
    @Args('filter', { type: () => IncidentFilterInput, nullable: true }) filter: IncidentFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<Incident>> {
    return listIncidents(this.dataSource, { filter, first, after });
  }

  @ResolveField(() => [TimelineEntry], {
    description: `At most ${MAX_TIMELINE_ENTRIES_PER_INCIDENT} entries (the cap per incident).`,
  })
  timeline(@Parent() incident: Incident, @Context() context: ApiContext): Promise<TimelineEntry[]> {
    return incident.asOf
      ? Promise.resolve(incident.asOf.timeline)
      : context.loaders.timelineOfIncident.load(incident.id);
  }

  @ResolveField(() => [Finding], {
    description: `At most ${MAX_FINDINGS_PER_INCIDENT}, retracted ones included (the cap per incident).`,
  })
  findings(@Parent() incident: Incident, @Context() context: ApiContext): Promise<Finding[]> {
    return incident.asOf
      ? Promise.resolve(incident.asOf.findings)
      : context.loaders.findingsOfIncident.load(incident.id);
  }

  @ResolveField(() => [ActionItem], {
    description: `The action items opened for this incident, oldest first; at most ${MAX_ACTION_ITEMS_PER_INCIDENT} (the cap per incident, checked against the read model when one is opened).`,
  })
  actionItems(@Parent() incident: Incident, @Context() context: ApiContext): Promise<ActionItem[]> {
    return context.loaders.actionItemsOfIncident.load(incident.id);
  }

  @ResolveField(() => [IncidentLink], {
    description: `The links this incident made to others; at most ${MAX_LINKS_PER_INCIDENT} (the cap per incident).`,
  })
  async links(@Parent() incident: Incident, @Context() context: ApiContext): Promise<IncidentLink[]> {
    const links: IncidentLinkRow[] | IncidentLink[] = incident.asOf
      ? incident.asOf.links
      : await context.loaders.linksOfIncident.load(incident.id);
    return links.map(({ relation, relatedIncidentId }) => ({ relation, relatedIncidentId }));
  }

  @ResolveField(() => Postmortem, { nullable: true })
  postmortem(@Parent() incident: Incident): Postmortem | null {
    const {
      postmortemSummary: summary,
      postmortemImpact: impact,
      postmortemPublishedAt: publishedAt,
    } = incident;
    if (summary === null || impact === null || publishedAt === null) return null;
    return { summary, impact, publishedAt };
  }

  @ResolveField(() => [RecordedEvent], {
    description: `Every event of this incident, oldest first (the audit trail); at most ${MAX_EVENTS_PER_INCIDENT}, the cap on an incident's stream. Needs ANALYST or above, as the events query does (FORBIDDEN otherwise).`,
  })
  history(@Parent() incident: Incident, @Context() context: ApiContext): Promise<RecordedEvent[]> {
    requireRole(context, 'ANALYST', 'read Incident.history');
    return this.streams.ofIncident(incident.id, incident.asOf?.at);
  }
}

@Resolver(() => Finding)
export class FindingFieldsResolver {
  @ResolveField(() => [String], {
    description:
      "Advisory notes where the text reads as blame (e.g. 'human error', 'should have', a person singled out); never blocks the write.",
  })
  blamelessHints(@Parent() finding: Finding): string[] {
    return blamelessHints(finding.description);
  }
}

@Resolver(() => Postmortem)
export class PostmortemFieldsResolver {
  @ResolveField(() => [String], { description: 'Advisory notes where the summary or impact reads as blame.' })
  blamelessHints(@Parent() postmortem: Postmortem): string[] {
    return [...new Set([...blamelessHints(postmortem.summary), ...blamelessHints(postmortem.impact)])];
  }
}

@Resolver(() => IncidentLink)
export class IncidentLinkFieldsResolver {
  @ResolveField(() => Incident, { description: 'The incident linked to.' })
  async incident(@Parent() link: IncidentLink, @Context() context: ApiContext): Promise<Incident> {
    const incident = await context.loaders.incident.load(link.relatedIncidentId);
    if (!incident) throw new Error(`The linked incident ${link.relatedIncidentId} is not in the read model.`);
    return incident;
  }
}
