import { ReadModelsInitial1767225600000 } from './1767225600000-read-models-initial.migration';
import { Search1767225700000 } from './1767225700000-search.migration';
import { IncidentFacts1767225800000 } from './1767225800000-incident-facts.migration';
import { DeadLetters1767225900000 } from './1767225900000-dead-letters.migration';
import { ApiKeys1767226000000 } from './1767226000000-api-keys.migration';
import { ListQueryIndexes1767226100000 } from './1767226100000-list-query-indexes.migration';
import { Webhooks1767226300000 } from './1767226300000-webhooks.migration';
import { ReportIndexes1767226400000 } from './1767226400000-report-indexes.migration';
import { ActionItemStatusHistory1767226500000 } from './1767226500000-action-item-status-history.migration';
import { RecurrencePairs1767226600000 } from './1767226600000-recurrence-pairs.migration';
import { ActionItemHistoryIncidentStart1767226650000 } from './1767226650000-action-item-history-incident-start.migration';
import { ReportBucketTimes1767226700000 } from './1767226700000-report-bucket-times.migration';
import { RecurrencePairNames1767226800000 } from './1767226800000-recurrence-pair-names.migration';
import { SearchResultIndex1767226900000 } from './1767226900000-search-result-index.migration';
import { WebhookDeliveries1767227000000 } from './1767227000000-webhook-deliveries.migration';
import { Deadlines1767227100000 } from './1767227100000-deadlines.migration';
import { IncidentExperiments1767227150000 } from './1767227150000-incident-experiments.migration';
import { SimilarIncidents1767227160000 } from './1767227160000-similar-incidents.migration';
import { LearningFacts1767227700000 } from './1767227700000-learning-facts.migration';
import { SearchTerms1767227800000 } from './1767227800000-search-terms.migration';
import { WebhookDeliveriesDue1767227900000 } from './1767227900000-webhook-deliveries-due.migration';
import { AlertingCountIndexes1767228000000 } from './1767228000000-alerting-count-indexes.migration';

/** Every read-model migration, oldest first. A new read model adds its own migration here. */
export const READ_MODEL_MIGRATIONS = [
  ReadModelsInitial1767225600000,
  Search1767225700000,
  IncidentFacts1767225800000,
  DeadLetters1767225900000,
  ApiKeys1767226000000,
  ListQueryIndexes1767226100000,
  Webhooks1767226300000,
  ReportIndexes1767226400000,
  ActionItemStatusHistory1767226500000,
  RecurrencePairs1767226600000,
  ActionItemHistoryIncidentStart1767226650000,
  ReportBucketTimes1767226700000,
  RecurrencePairNames1767226800000,
  SearchResultIndex1767226900000,
  WebhookDeliveries1767227000000,
  Deadlines1767227100000,
  IncidentExperiments1767227150000,
  SimilarIncidents1767227160000,
  LearningFacts1767227700000,
  SearchTerms1767227800000,
  WebhookDeliveriesDue1767227900000,
  AlertingCountIndexes1767228000000,
];
