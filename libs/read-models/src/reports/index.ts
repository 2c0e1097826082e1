/*
 * The failure-trend reports, from projection to query: facts/ holds the incident-facts projection
 * and its tables, the rest are the report queries over them (trend, response times, contributing
 * factors, action-item health, recurrence, learning) and their argument checks.
 */
export * from './facts/incident-fact.entity';
export * from './facts/incident-facts.projection';
export * from './report-types';
export {
  checkFactsFilter,
  checkLearningInput,
  checkPeriodInput,
  checkTrendInput,
  MAX_REPORT_BUCKETS,
  MAX_REPORT_YEARS,
  reportTime,
  type CheckedLearning,
  type CheckedPeriod,
  type CheckedTrend,
  type FactsFilter,
} from './report-arguments';
export { bucketStartOf, bucketStarts, countBuckets, nextBucketStart } from './buckets';
export { durationStats, meanOf, percentileOfSorted } from './statistics';
export { incidentTrend } from './incident-trend.query';
export { responseTimes, RESPONSE_TIME_DEFAULT_KINDS } from './response-times.query';
export { contributingFactors } from './contributing-factors.query';
export { actionItemHealth } from './action-item-health.query';
export { MAX_RECURRENCE_CLUSTERS, RECURRENCE_WINDOW_MS, recurrence } from './recurrence.query';
export { learning } from './learning.query';
