/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  mutation RecordFinding($input: RecordFindingInput!) {\n    recordFinding(input: $input) {\n      id\n      blamelessHints\n    }\n  }\n": typeof types.RecordFindingDocument,
    "\n  mutation AddTimelineEntry($input: AddTimelineEntryInput!) {\n    addTimelineEntry(input: $input) {\n      id\n    }\n  }\n": typeof types.AddTimelineEntryDocument,
    "\n  query IncidentPage($id: ID!, $asOf: DateTime) {\n    incident(id: $id, asOf: $asOf) {\n      id\n      revision\n      title\n      summary\n      kind\n      severity\n      status\n      services\n      tags\n      detectionSource\n      startedAt\n      detectedAt\n      acknowledgedAt\n      mitigatedAt\n      resolvedAt\n      closedAt\n      reportedAt\n      updatedAt\n      postmortemDueAt\n      timeline {\n        id\n        at\n        text\n      }\n      findings {\n        id\n        kind\n        category\n        description\n        blamelessHints\n        retracted\n        recordedAt\n      }\n      actionItems {\n        id\n        title\n        type\n        priority\n        ownerTeam\n        dueDate\n        status\n        overdue\n        completedAt\n      }\n      links {\n        relation\n        incident {\n          id\n          title\n        }\n      }\n      postmortem {\n        summary\n        impact\n        publishedAt\n        blamelessHints\n      }\n      experiment {\n        hypothesis\n        steadyState\n        blastRadius\n        abortConditions\n        plannedFor\n        outcome\n        observations\n        concludedAt\n      }\n    }\n  }\n": typeof types.IncidentPageDocument,
    "\n  query SimilarToIncident($id: ID!) {\n    incident(id: $id) {\n      id\n      similar(first: 5) {\n        score\n        reasons\n        incident {\n          id\n          title\n          kind\n          severity\n          startedAt\n        }\n        lessons {\n          id\n          description\n        }\n      }\n    }\n  }\n": typeof types.SimilarToIncidentDocument,
    "\n  query IncidentHistory($id: ID!) {\n    incident(id: $id) {\n      id\n      history {\n        id\n        revision\n        type\n        actor\n        occurredAt\n        recordedAt\n        data\n      }\n    }\n  }\n": typeof types.IncidentHistoryDocument,
    "\n  mutation ReportIncident($input: ReportIncidentInput!) {\n    reportIncident(input: $input) {\n      id\n    }\n  }\n": typeof types.ReportIncidentDocument,
    "\n  query SimilarToDescription($input: SimilarIncidentsInput!) {\n    similarIncidents(input: $input, first: 5) {\n      score\n      reasons\n      incident {\n        id\n        title\n        kind\n        severity\n        startedAt\n      }\n      lessons {\n        id\n        description\n      }\n    }\n  }\n": typeof types.SimilarToDescriptionDocument,
    "\n  query Search($query: String!) {\n    search(query: $query, first: 20) {\n      totalCount\n      edges {\n        node {\n          snippet\n          result {\n            __typename\n            ... on Incident {\n              id\n              title\n            }\n            ... on Finding {\n              id\n              incidentId\n              kind\n            }\n            ... on ActionItem {\n              id\n              incidentId\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.SearchDocument,
    "\n  query LatestIncidents {\n    incidents(first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          kind\n          severity\n          status\n          startedAt\n          services\n        }\n      }\n    }\n  }\n": typeof types.LatestIncidentsDocument,
    "\n  query IncidentTrend($input: TrendInput!) {\n    incidentTrend(input: $input) {\n      bucketStart\n      key\n      count\n    }\n  }\n": typeof types.IncidentTrendDocument,
    "\n  query ResponseTimes($input: TrendInput!) {\n    responseTimes(input: $input) {\n      bucketStart\n      incidents\n      detect {\n        medianSeconds\n        p90Seconds\n      }\n      acknowledge {\n        medianSeconds\n        p90Seconds\n      }\n      mitigate {\n        medianSeconds\n        p90Seconds\n      }\n      resolve {\n        medianSeconds\n        p90Seconds\n      }\n    }\n  }\n": typeof types.ResponseTimesDocument,
    "\n  query ContributingFactors($input: PeriodInput!) {\n    contributingFactors(input: $input) {\n      category\n      incidents\n      share\n      previousPeriodIncidents\n    }\n  }\n": typeof types.ContributingFactorsDocument,
    "\n  query ActionItemHealth($input: ActionItemHealthInput!) {\n    actionItemHealth(input: $input) {\n      key\n      open\n      inProgress\n      done\n      wontDo\n      overdue\n      completionRate\n      medianDaysToClose\n    }\n  }\n": typeof types.ActionItemHealthDocument,
    "\n  query Recurrence($input: PeriodInput!) {\n    recurrence(input: $input) {\n      incidents\n      recurrences\n      repeatRate\n      clusters {\n        service\n        category\n        incidents {\n          id\n          title\n        }\n      }\n    }\n  }\n": typeof types.RecurrenceDocument,
    "\n  query Learning($input: LearningInput!) {\n    learning(input: $input) {\n      bucketStart\n      incidents\n      nearMisses\n      nearMissRatio\n      experiments\n      refutedRate\n      postmortemRate\n      medianDaysToPostmortem\n      overduePostmortems\n      actionItemRate\n      onTimeActionItemRate\n    }\n  }\n": typeof types.LearningDocument,
    "\n  query AdminProbe {\n    apiKeys {\n      id\n    }\n  }\n": typeof types.AdminProbeDocument,
    "\n  mutation ContributorProbe {\n    reopenActionItem(input: { actionItemId: \"dashboard-role-probe\" }) {\n      id\n    }\n  }\n": typeof types.ContributorProbeDocument,
    "\n  query AnalystProbe {\n    events(first: 1) {\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": typeof types.AnalystProbeDocument,
};
const documents: Documents = {
    "\n  mutation RecordFinding($input: RecordFindingInput!) {\n    recordFinding(input: $input) {\n      id\n      blamelessHints\n    }\n  }\n": types.RecordFindingDocument,
    "\n  mutation AddTimelineEntry($input: AddTimelineEntryInput!) {\n    addTimelineEntry(input: $input) {\n      id\n    }\n  }\n": types.AddTimelineEntryDocument,
    "\n  query IncidentPage($id: ID!, $asOf: DateTime) {\n    incident(id: $id, asOf: $asOf) {\n      id\n      revision\n      title\n      summary\n      kind\n      severity\n      status\n      services\n      tags\n      detectionSource\n      startedAt\n      detectedAt\n      acknowledgedAt\n      mitigatedAt\n      resolvedAt\n      closedAt\n      reportedAt\n      updatedAt\n      postmortemDueAt\n      timeline {\n        id\n        at\n        text\n      }\n      findings {\n        id\n        kind\n        category\n        description\n        blamelessHints\n        retracted\n        recordedAt\n      }\n      actionItems {\n        id\n        title\n        type\n        priority\n        ownerTeam\n        dueDate\n        status\n        overdue\n        completedAt\n      }\n      links {\n        relation\n        incident {\n          id\n          title\n        }\n      }\n      postmortem {\n        summary\n        impact\n        publishedAt\n        blamelessHints\n      }\n      experiment {\n        hypothesis\n        steadyState\n        blastRadius\n        abortConditions\n        plannedFor\n        outcome\n        observations\n        concludedAt\n      }\n    }\n  }\n": types.IncidentPageDocument,
    "\n  query SimilarToIncident($id: ID!) {\n    incident(id: $id) {\n      id\n      similar(first: 5) {\n        score\n        reasons\n        incident {\n          id\n          title\n          kind\n          severity\n          startedAt\n        }\n        lessons {\n          id\n          description\n        }\n      }\n    }\n  }\n": types.SimilarToIncidentDocument,
    "\n  query IncidentHistory($id: ID!) {\n    incident(id: $id) {\n      id\n      history {\n        id\n        revision\n        type\n        actor\n        occurredAt\n        recordedAt\n        data\n      }\n    }\n  }\n": types.IncidentHistoryDocument,
    "\n  mutation ReportIncident($input: ReportIncidentInput!) {\n    reportIncident(input: $input) {\n      id\n    }\n  }\n": types.ReportIncidentDocument,
    "\n  query SimilarToDescription($input: SimilarIncidentsInput!) {\n    similarIncidents(input: $input, first: 5) {\n      score\n      reasons\n      incident {\n        id\n        title\n        kind\n        severity\n        startedAt\n      }\n      lessons {\n        id\n        description\n      }\n    }\n  }\n": types.SimilarToDescriptionDocument,
    "\n  query Search($query: String!) {\n    search(query: $query, first: 20) {\n      totalCount\n      edges {\n        node {\n          snippet\n          result {\n            __typename\n            ... on Incident {\n              id\n              title\n            }\n            ... on Finding {\n              id\n              incidentId\n              kind\n            }\n            ... on ActionItem {\n              id\n              incidentId\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n": types.SearchDocument,
    "\n  query LatestIncidents {\n    incidents(first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          kind\n          severity\n          status\n          startedAt\n          services\n        }\n      }\n    }\n  }\n": types.LatestIncidentsDocument,
    "\n  query IncidentTrend($input: TrendInput!) {\n    incidentTrend(input: $input) {\n      bucketStart\n      key\n      count\n    }\n  }\n": types.IncidentTrendDocument,
    "\n  query ResponseTimes($input: TrendInput!) {\n    responseTimes(input: $input) {\n      bucketStart\n      incidents\n      detect {\n        medianSeconds\n        p90Seconds\n      }\n      acknowledge {\n        medianSeconds\n        p90Seconds\n      }\n      mitigate {\n        medianSeconds\n        p90Seconds\n      }\n      resolve {\n        medianSeconds\n        p90Seconds\n      }\n    }\n  }\n": types.ResponseTimesDocument,
    "\n  query ContributingFactors($input: PeriodInput!) {\n    contributingFactors(input: $input) {\n      category\n      incidents\n      share\n      previousPeriodIncidents\n    }\n  }\n": types.ContributingFactorsDocument,
    "\n  query ActionItemHealth($input: ActionItemHealthInput!) {\n    actionItemHealth(input: $input) {\n      key\n      open\n      inProgress\n      done\n      wontDo\n      overdue\n      completionRate\n      medianDaysToClose\n    }\n  }\n": types.ActionItemHealthDocument,
    "\n  query Recurrence($input: PeriodInput!) {\n    recurrence(input: $input) {\n      incidents\n      recurrences\n      repeatRate\n      clusters {\n        service\n        category\n        incidents {\n          id\n          title\n        }\n      }\n    }\n  }\n": types.RecurrenceDocument,
    "\n  query Learning($input: LearningInput!) {\n    learning(input: $input) {\n      bucketStart\n      incidents\n      nearMisses\n      nearMissRatio\n      experiments\n      refutedRate\n      postmortemRate\n      medianDaysToPostmortem\n      overduePostmortems\n      actionItemRate\n      onTimeActionItemRate\n    }\n  }\n": types.LearningDocument,
    "\n  query AdminProbe {\n    apiKeys {\n      id\n    }\n  }\n": types.AdminProbeDocument,
    "\n  mutation ContributorProbe {\n    reopenActionItem(input: { actionItemId: \"dashboard-role-probe\" }) {\n      id\n    }\n  }\n": types.ContributorProbeDocument,
    "\n  query AnalystProbe {\n    events(first: 1) {\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n": types.AnalystProbeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RecordFinding($input: RecordFindingInput!) {\n    recordFinding(input: $input) {\n      id\n      blamelessHints\n    }\n  }\n"): typeof import('./graphql').RecordFindingDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddTimelineEntry($input: AddTimelineEntryInput!) {\n    addTimelineEntry(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').AddTimelineEntryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentPage($id: ID!, $asOf: DateTime) {\n    incident(id: $id, asOf: $asOf) {\n      id\n      revision\n      title\n      summary\n      kind\n      severity\n      status\n      services\n      tags\n      detectionSource\n      startedAt\n      detectedAt\n      acknowledgedAt\n      mitigatedAt\n      resolvedAt\n      closedAt\n      reportedAt\n      updatedAt\n      postmortemDueAt\n      timeline {\n        id\n        at\n        text\n      }\n      findings {\n        id\n        kind\n        category\n        description\n        blamelessHints\n        retracted\n        recordedAt\n      }\n      actionItems {\n        id\n        title\n        type\n        priority\n        ownerTeam\n        dueDate\n        status\n        overdue\n        completedAt\n      }\n      links {\n        relation\n        incident {\n          id\n          title\n        }\n      }\n      postmortem {\n        summary\n        impact\n        publishedAt\n        blamelessHints\n      }\n      experiment {\n        hypothesis\n        steadyState\n        blastRadius\n        abortConditions\n        plannedFor\n        outcome\n        observations\n        concludedAt\n      }\n    }\n  }\n"): typeof import('./graphql').IncidentPageDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SimilarToIncident($id: ID!) {\n    incident(id: $id) {\n      id\n      similar(first: 5) {\n        score\n        reasons\n        incident {\n          id\n          title\n          kind\n          severity\n          startedAt\n        }\n        lessons {\n          id\n          description\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SimilarToIncidentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentHistory($id: ID!) {\n    incident(id: $id) {\n      id\n      history {\n        id\n        revision\n        type\n        actor\n        occurredAt\n        recordedAt\n        data\n      }\n    }\n  }\n"): typeof import('./graphql').IncidentHistoryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReportIncident($input: ReportIncidentInput!) {\n    reportIncident(input: $input) {\n      id\n    }\n  }\n"): typeof import('./graphql').ReportIncidentDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SimilarToDescription($input: SimilarIncidentsInput!) {\n    similarIncidents(input: $input, first: 5) {\n      score\n      reasons\n      incident {\n        id\n        title\n        kind\n        severity\n        startedAt\n      }\n      lessons {\n        id\n        description\n      }\n    }\n  }\n"): typeof import('./graphql').SimilarToDescriptionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Search($query: String!) {\n    search(query: $query, first: 20) {\n      totalCount\n      edges {\n        node {\n          snippet\n          result {\n            __typename\n            ... on Incident {\n              id\n              title\n            }\n            ... on Finding {\n              id\n              incidentId\n              kind\n            }\n            ... on ActionItem {\n              id\n              incidentId\n              title\n            }\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SearchDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LatestIncidents {\n    incidents(first: 20) {\n      totalCount\n      edges {\n        node {\n          id\n          title\n          kind\n          severity\n          status\n          startedAt\n          services\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').LatestIncidentsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query IncidentTrend($input: TrendInput!) {\n    incidentTrend(input: $input) {\n      bucketStart\n      key\n      count\n    }\n  }\n"): typeof import('./graphql').IncidentTrendDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResponseTimes($input: TrendInput!) {\n    responseTimes(input: $input) {\n      bucketStart\n      incidents\n      detect {\n        medianSeconds\n        p90Seconds\n      }\n      acknowledge {\n        medianSeconds\n        p90Seconds\n      }\n      mitigate {\n        medianSeconds\n        p90Seconds\n      }\n      resolve {\n        medianSeconds\n        p90Seconds\n      }\n    }\n  }\n"): typeof import('./graphql').ResponseTimesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContributingFactors($input: PeriodInput!) {\n    contributingFactors(input: $input) {\n      category\n      incidents\n      share\n      previousPeriodIncidents\n    }\n  }\n"): typeof import('./graphql').ContributingFactorsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ActionItemHealth($input: ActionItemHealthInput!) {\n    actionItemHealth(input: $input) {\n      key\n      open\n      inProgress\n      done\n      wontDo\n      overdue\n      completionRate\n      medianDaysToClose\n    }\n  }\n"): typeof import('./graphql').ActionItemHealthDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Recurrence($input: PeriodInput!) {\n    recurrence(input: $input) {\n      incidents\n      recurrences\n      repeatRate\n      clusters {\n        service\n        category\n        incidents {\n          id\n          title\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').RecurrenceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Learning($input: LearningInput!) {\n    learning(input: $input) {\n      bucketStart\n      incidents\n      nearMisses\n      nearMissRatio\n      experiments\n      refutedRate\n      postmortemRate\n      medianDaysToPostmortem\n      overduePostmortems\n      actionItemRate\n      onTimeActionItemRate\n    }\n  }\n"): typeof import('./graphql').LearningDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminProbe {\n    apiKeys {\n      id\n    }\n  }\n"): typeof import('./graphql').AdminProbeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ContributorProbe {\n    reopenActionItem(input: { actionItemId: \"dashboard-role-probe\" }) {\n      id\n    }\n  }\n"): typeof import('./graphql').ContributorProbeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AnalystProbe {\n    events(first: 1) {\n      pageInfo {\n        hasNextPage\n      }\n    }\n  }\n"): typeof import('./graphql').AnalystProbeDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
