/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type ActionItemDimension =
  | 'NONE'
  | 'OWNER_TEAM'
  | 'PRIORITY'
  | 'SERVICE'
  | 'TYPE';

export type ActionItemHealthInput = {
  /** Counts as of this instant (default: now); overdue is judged at it. */
  asOf?: string | null | undefined;
  /** Only action items of incidents started in [from, to). */
  from?: string | null | undefined;
  groupBy?: ActionItemDimension | null | undefined;
  to?: string | null | undefined;
};

export type ActionItemStatus =
  | 'DONE'
  | 'IN_PROGRESS'
  | 'OPEN'
  | 'WONT_DO';

export type ActionItemType =
  | 'DETECT'
  | 'INVESTIGATE'
  | 'MITIGATE'
  | 'PREVENT'
  | 'PROCESS'
  | 'REPAIR';

export type AddTimelineEntryInput = {
  at: string;
  /** The write happens only if the entity's revision still equals it (else CONFLICT). */
  expectedRevision?: number | null | undefined;
  /** A retry with the same key and input returns the first result and appends nothing; the same key with other input is BAD_USER_INPUT. */
  idempotencyKey?: string | null | undefined;
  incidentId: string | number;
  text: string;
};

export type DetectionSource =
  | 'AUDIT'
  | 'CHAOS_EXPERIMENT'
  | 'CUSTOMER_REPORT'
  | 'INTERNAL_REPORT'
  | 'MONITORING_ALERT'
  | 'OTHER';

export type ExperimentOutcome =
  /** Stopped before a conclusion (blast radius exceeded, abort condition met). */
  | 'ABORTED'
  /** The steady state held: the hypothesis survived. */
  | 'HELD'
  /** The steady state broke: the hypothesis was refuted; findings should follow. */
  | 'REFUTED';

export type FactorCategory =
  | 'CAPACITY'
  | 'CODE_CHANGE'
  | 'CONFIG_CHANGE'
  | 'DATA'
  | 'DEPENDENCY'
  | 'HARDWARE'
  | 'INFRASTRUCTURE'
  | 'MONITORING_GAP'
  | 'NETWORK'
  | 'PROCESS'
  | 'SECURITY'
  | 'UNKNOWN'
  | 'USER_BEHAVIOR';

export type FindingKind =
  | 'CONTRIBUTING_FACTOR'
  | 'GOT_LUCKY'
  | 'LESSON_LEARNED'
  | 'TRIGGER'
  | 'WENT_WELL';

export type IncidentFilter = {
  detectionSources?: Array<DetectionSource> | null | undefined;
  /** Incidents with a non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of any of these categories. */
  factorCategories?: Array<FactorCategory> | null | undefined;
  kinds?: Array<IncidentKind> | null | undefined;
  /** Incidents affecting any of these services. */
  services?: Array<string> | null | undefined;
  severities?: Array<Severity> | null | undefined;
  /** Inclusive. */
  startedFrom?: string | null | undefined;
  /** Exclusive. */
  startedTo?: string | null | undefined;
  statuses?: Array<IncidentStatus> | null | undefined;
  /** Incidents with any of these tags. */
  tags?: Array<string> | null | undefined;
};

export type IncidentKind =
  | 'CHAOS_EXPERIMENT'
  | 'GAME_DAY'
  | 'INCIDENT'
  | 'NEAR_MISS';

/** OPEN -> MITIGATED -> RESOLVED -> IN_REVIEW -> CLOSED (postmortem published). Reopen goes back to OPEN. */
export type IncidentStatus =
  | 'CLOSED'
  | 'IN_REVIEW'
  | 'MITIGATED'
  | 'OPEN'
  | 'RESOLVED';

export type LearningDimension =
  | 'KIND'
  | 'NONE'
  | 'SERVICE'
  | 'SEVERITY';

export type LearningInput = {
  /** Judge what was done as of this instant (default now), by domain times: a postmortem counts when published at or before asOf, an action item when completed at or before it, an experiment when concluded at or before it; a postmortem or item is overdue when its due time is before asOf. The incidents counted are those started in the bucket, whenever they were recorded. */
  asOf?: string | null | undefined;
  bucket: TimeBucket;
  filter?: IncidentFilter | null | undefined;
  from: string;
  groupBy?: LearningDimension | null | undefined;
  to: string;
};

export type LinkRelation =
  | 'CAUSED_BY'
  | 'DUPLICATE_OF'
  | 'RECURRENCE_OF'
  | 'RELATED_TO';

/** Half-open period [from, to); the previous period is the one of equal length just before it. */
export type PeriodInput = {
  filter?: IncidentFilter | null | undefined;
  from: string;
  to: string;
};

export type Priority =
  | 'P1'
  | 'P2'
  | 'P3'
  | 'P4';

export type RecordFindingInput = {
  category?: FactorCategory | null | undefined;
  description: string;
  /** The write happens only if the entity's revision still equals it (else CONFLICT). */
  expectedRevision?: number | null | undefined;
  /** A retry with the same key and input returns the first result and appends nothing; the same key with other input is BAD_USER_INPUT. */
  idempotencyKey?: string | null | undefined;
  incidentId: string | number;
  kind: FindingKind;
};

export type ReportIncidentInput = {
  detectedAt?: string | null | undefined;
  detectionSource: DetectionSource;
  /** A retry with the same key and input returns the first result and appends nothing; the same key with other input is BAD_USER_INPUT. */
  idempotencyKey?: string | null | undefined;
  kind: IncidentKind;
  services: Array<string>;
  severity: Severity;
  startedAt: string;
  summary?: string | null | undefined;
  tags?: Array<string> | null | undefined;
  title: string;
};

export type Severity =
  | 'SEV1'
  | 'SEV2'
  | 'SEV3'
  | 'SEV4'
  | 'SEV5';

/** Describe a failure that is not stored yet (for example while it is being reported). Services and factor categories are signals that raise a candidate's score, never filters. */
export type SimilarIncidentsInput = {
  /** Only incidents started strictly before this instant (default: now). */
  before?: string | null | undefined;
  factorCategories?: Array<FactorCategory> | null | undefined;
  services?: Array<string> | null | undefined;
  summary?: string | null | undefined;
  title: string;
};

export type TimeBucket =
  | 'DAY'
  | 'MONTH'
  | 'QUARTER'
  | 'WEEK'
  | 'YEAR';

export type TrendDimension =
  | 'DETECTION_SOURCE'
  | 'FACTOR_CATEGORY'
  | 'KIND'
  | 'NONE'
  | 'SERVICE'
  | 'SEVERITY'
  | 'TAG';

/** Half-open period [from, to). */
export type TrendInput = {
  /** UTC buckets; WEEK is the ISO week, starting Monday. */
  bucket: TimeBucket;
  filter?: IncidentFilter | null | undefined;
  from: string;
  groupBy?: TrendDimension | null | undefined;
  to: string;
};

export type RecordFindingMutationVariables = Exact<{
  input: RecordFindingInput;
}>;


export type RecordFindingMutation = { recordFinding: { id: string, blamelessHints: Array<string> } };

export type AddTimelineEntryMutationVariables = Exact<{
  input: AddTimelineEntryInput;
}>;


export type AddTimelineEntryMutation = { addTimelineEntry: { id: string } };

export type IncidentPageQueryVariables = Exact<{
  id: string | number;
  asOf?: string | null | undefined;
}>;


export type IncidentPageQuery = { incident: { id: string, revision: number, title: string, summary: string | null, kind: IncidentKind, severity: Severity, status: IncidentStatus, services: Array<string>, tags: Array<string>, detectionSource: DetectionSource, startedAt: string, detectedAt: string | null, acknowledgedAt: string | null, mitigatedAt: string | null, resolvedAt: string | null, closedAt: string | null, reportedAt: string, updatedAt: string, postmortemDueAt: string | null, timeline: Array<{ id: string, at: string, text: string }>, findings: Array<{ id: string, kind: FindingKind, category: FactorCategory | null, description: string, blamelessHints: Array<string>, retracted: boolean, recordedAt: string }>, actionItems: Array<{ id: string, title: string, type: ActionItemType, priority: Priority, ownerTeam: string, dueDate: string | null, status: ActionItemStatus, overdue: boolean, completedAt: string | null }>, links: Array<{ relation: LinkRelation, incident: { id: string, title: string } }>, postmortem: { summary: string, impact: string, publishedAt: string, blamelessHints: Array<string> } | null, experiment: { hypothesis: string, steadyState: string, blastRadius: Array<string>, abortConditions: string | null, plannedFor: string | null, outcome: ExperimentOutcome | null, observations: string | null, concludedAt: string | null } | null } | null };

export type SimilarToIncidentQueryVariables = Exact<{
  id: string | number;
}>;


export type SimilarToIncidentQuery = { incident: { id: string, similar: Array<{ score: number, reasons: Array<string>, incident: { id: string, title: string, kind: IncidentKind, severity: Severity, startedAt: string }, lessons: Array<{ id: string, description: string }> }> } | null };

export type IncidentHistoryQueryVariables = Exact<{
  id: string | number;
}>;


export type IncidentHistoryQuery = { incident: { id: string, history: Array<{ id: string, revision: number, type: string, actor: string, occurredAt: string, recordedAt: string, data: unknown }> } | null };

export type ReportIncidentMutationVariables = Exact<{
  input: ReportIncidentInput;
}>;


export type ReportIncidentMutation = { reportIncident: { id: string } };

export type SimilarToDescriptionQueryVariables = Exact<{
  input: SimilarIncidentsInput;
}>;


export type SimilarToDescriptionQuery = { similarIncidents: Array<{ score: number, reasons: Array<string>, incident: { id: string, title: string, kind: IncidentKind, severity: Severity, startedAt: string }, lessons: Array<{ id: string, description: string }> }> };

export type SearchQueryVariables = Exact<{
  query: string;
}>;


export type SearchQuery = { search: { totalCount: number, edges: Array<{ node: { snippet: string, result:
          | { __typename: 'ActionItem', id: string, incidentId: string, title: string }
          | { __typename: 'Finding', id: string, incidentId: string, kind: FindingKind }
          | { __typename: 'Incident', id: string, title: string }
         } }> } };

export type LatestIncidentsQueryVariables = Exact<{ [key: string]: never; }>;


export type LatestIncidentsQuery = { incidents: { totalCount: number, edges: Array<{ node: { id: string, title: string, kind: IncidentKind, severity: Severity, status: IncidentStatus, startedAt: string, services: Array<string> } }> } };

export type IncidentTrendQueryVariables = Exact<{
  input: TrendInput;
}>;


export type IncidentTrendQuery = { incidentTrend: Array<{ bucketStart: string, key: string | null, count: number }> };

export type ResponseTimesQueryVariables = Exact<{
  input: TrendInput;
}>;


export type ResponseTimesQuery = { responseTimes: Array<{ bucketStart: string, incidents: number, detect: { medianSeconds: number | null, p90Seconds: number | null }, acknowledge: { medianSeconds: number | null, p90Seconds: number | null }, mitigate: { medianSeconds: number | null, p90Seconds: number | null }, resolve: { medianSeconds: number | null, p90Seconds: number | null } }> };

export type ContributingFactorsQueryVariables = Exact<{
  input: PeriodInput;
}>;


export type ContributingFactorsQuery = { contributingFactors: Array<{ category: FactorCategory, incidents: number, share: number, previousPeriodIncidents: number }> };

export type ActionItemHealthQueryVariables = Exact<{
  input: ActionItemHealthInput;
}>;


export type ActionItemHealthQuery = { actionItemHealth: Array<{ key: string | null, open: number, inProgress: number, done: number, wontDo: number, overdue: number, completionRate: number, medianDaysToClose: number | null }> };

export type RecurrenceQueryVariables = Exact<{
  input: PeriodInput;
}>;


export type RecurrenceQuery = { recurrence: { incidents: number, recurrences: number, repeatRate: number, clusters: Array<{ service: string, category: FactorCategory, incidents: Array<{ id: string, title: string }> }> } };

export type LearningQueryVariables = Exact<{
  input: LearningInput;
}>;


export type LearningQuery = { learning: Array<{ bucketStart: string, incidents: number, nearMisses: number, nearMissRatio: number | null, experiments: number, refutedRate: number | null, postmortemRate: number | null, medianDaysToPostmortem: number | null, overduePostmortems: number, actionItemRate: number | null, onTimeActionItemRate: number | null }> };

export type AdminProbeQueryVariables = Exact<{ [key: string]: never; }>;


export type AdminProbeQuery = { apiKeys: Array<{ id: string }> };

export type ContributorProbeMutationVariables = Exact<{ [key: string]: never; }>;


export type ContributorProbeMutation = { reopenActionItem: { id: string } };

export type AnalystProbeQueryVariables = Exact<{ [key: string]: never; }>;


export type AnalystProbeQuery = { events: { pageInfo: { hasNextPage: boolean } } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}

export const RecordFindingDocument = new TypedDocumentString(`
    mutation RecordFinding($input: RecordFindingInput!) {
  recordFinding(input: $input) {
    id
    blamelessHints
  }
}
    `) as unknown as TypedDocumentString<RecordFindingMutation, RecordFindingMutationVariables>;
export const AddTimelineEntryDocument = new TypedDocumentString(`
    mutation AddTimelineEntry($input: AddTimelineEntryInput!) {
  addTimelineEntry(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<AddTimelineEntryMutation, AddTimelineEntryMutationVariables>;
export const IncidentPageDocument = new TypedDocumentString(`
    query IncidentPage($id: ID!, $asOf: DateTime) {
  incident(id: $id, asOf: $asOf) {
    id
    revision
    title
    summary
    kind
    severity
    status
    services
    tags
    detectionSource
    startedAt
    detectedAt
    acknowledgedAt
    mitigatedAt
    resolvedAt
    closedAt
    reportedAt
    updatedAt
    postmortemDueAt
    timeline {
      id
      at
      text
    }
    findings {
      id
      kind
      category
      description
      blamelessHints
      retracted
      recordedAt
    }
    actionItems {
      id
      title
      type
      priority
      ownerTeam
      dueDate
      status
      overdue
      completedAt
    }
    links {
      relation
      incident {
        id
        title
      }
    }
    postmortem {
      summary
      impact
      publishedAt
      blamelessHints
    }
    experiment {
      hypothesis
      steadyState
      blastRadius
      abortConditions
      plannedFor
      outcome
      observations
      concludedAt
    }
  }
}
    `) as unknown as TypedDocumentString<IncidentPageQuery, IncidentPageQueryVariables>;
export const SimilarToIncidentDocument = new TypedDocumentString(`
    query SimilarToIncident($id: ID!) {
  incident(id: $id) {
    id
    similar(first: 5) {
      score
      reasons
      incident {
        id
        title
        kind
        severity
        startedAt
      }
      lessons {
        id
        description
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SimilarToIncidentQuery, SimilarToIncidentQueryVariables>;
export const IncidentHistoryDocument = new TypedDocumentString(`
    query IncidentHistory($id: ID!) {
  incident(id: $id) {
    id
    history {
      id
      revision
      type
      actor
      occurredAt
      recordedAt
      data
    }
  }
}
    `) as unknown as TypedDocumentString<IncidentHistoryQuery, IncidentHistoryQueryVariables>;
export const ReportIncidentDocument = new TypedDocumentString(`
    mutation ReportIncident($input: ReportIncidentInput!) {
  reportIncident(input: $input) {
    id
  }
}
    `) as unknown as TypedDocumentString<ReportIncidentMutation, ReportIncidentMutationVariables>;
export const SimilarToDescriptionDocument = new TypedDocumentString(`
    query SimilarToDescription($input: SimilarIncidentsInput!) {
  similarIncidents(input: $input, first: 5) {
    score
    reasons
    incident {
      id
      title
      kind
      severity
      startedAt
    }
    lessons {
      id
      description
    }
  }
}
    `) as unknown as TypedDocumentString<SimilarToDescriptionQuery, SimilarToDescriptionQueryVariables>;
export const SearchDocument = new TypedDocumentString(`
    query Search($query: String!) {
  search(query: $query, first: 20) {
    totalCount
    edges {
      node {
        snippet
        result {
          __typename
          ... on Incident {
            id
            title
          }
          ... on Finding {
            id
            incidentId
            kind
          }
          ... on ActionItem {
            id
            incidentId
            title
          }
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SearchQuery, SearchQueryVariables>;
export const LatestIncidentsDocument = new TypedDocumentString(`
    query LatestIncidents {
  incidents(first: 20) {
    totalCount
    edges {
      node {
        id
        title
        kind
        severity
        status
        startedAt
        services
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LatestIncidentsQuery, LatestIncidentsQueryVariables>;
export const IncidentTrendDocument = new TypedDocumentString(`
    query IncidentTrend($input: TrendInput!) {
  incidentTrend(input: $input) {
    bucketStart
    key
    count
  }
}
    `) as unknown as TypedDocumentString<IncidentTrendQuery, IncidentTrendQueryVariables>;
export const ResponseTimesDocument = new TypedDocumentString(`
    query ResponseTimes($input: TrendInput!) {
  responseTimes(input: $input) {
    bucketStart
    incidents
    detect {
      medianSeconds
      p90Seconds
    }
    acknowledge {
      medianSeconds
      p90Seconds
    }
    mitigate {
      medianSeconds
      p90Seconds
    }
    resolve {
      medianSeconds
      p90Seconds
    }
  }
}
    `) as unknown as TypedDocumentString<ResponseTimesQuery, ResponseTimesQueryVariables>;
export const ContributingFactorsDocument = new TypedDocumentString(`
    query ContributingFactors($input: PeriodInput!) {
  contributingFactors(input: $input) {
    category
    incidents
    share
    previousPeriodIncidents
  }
}
    `) as unknown as TypedDocumentString<ContributingFactorsQuery, ContributingFactorsQueryVariables>;
export const ActionItemHealthDocument = new TypedDocumentString(`
    query ActionItemHealth($input: ActionItemHealthInput!) {
  actionItemHealth(input: $input) {
    key
    open
    inProgress
    done
    wontDo
    overdue
    completionRate
    medianDaysToClose
  }
}
    `) as unknown as TypedDocumentString<ActionItemHealthQuery, ActionItemHealthQueryVariables>;
export const RecurrenceDocument = new TypedDocumentString(`
    query Recurrence($input: PeriodInput!) {
  recurrence(input: $input) {
    incidents
    recurrences
    repeatRate
    clusters {
      service
      category
      incidents {
        id
        title
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RecurrenceQuery, RecurrenceQueryVariables>;
export const LearningDocument = new TypedDocumentString(`
    query Learning($input: LearningInput!) {
  learning(input: $input) {
    bucketStart
    incidents
    nearMisses
    nearMissRatio
    experiments
    refutedRate
    postmortemRate
    medianDaysToPostmortem
    overduePostmortems
    actionItemRate
    onTimeActionItemRate
  }
}
    `) as unknown as TypedDocumentString<LearningQuery, LearningQueryVariables>;
export const AdminProbeDocument = new TypedDocumentString(`
    query AdminProbe {
  apiKeys {
    id
  }
}
    `) as unknown as TypedDocumentString<AdminProbeQuery, AdminProbeQueryVariables>;
export const ContributorProbeDocument = new TypedDocumentString(`
    mutation ContributorProbe {
  reopenActionItem(input: {actionItemId: "dashboard-role-probe"}) {
    id
  }
}
    `) as unknown as TypedDocumentString<ContributorProbeMutation, ContributorProbeMutationVariables>;
export const AnalystProbeDocument = new TypedDocumentString(`
    query AnalystProbe {
  events(first: 1) {
    pageInfo {
      hasNextPage
    }
  }
}
    `) as unknown as TypedDocumentString<AnalystProbeQuery, AnalystProbeQueryVariables>;