import type {
  ActionItemType,
  DetectionSource,
  FactorCategory,
  IncidentKind,
  Priority,
  Severity,
} from '@kb/domain';
import type { IncidentFilter } from '../incident/incident-list.query';

/*
 * The failure-trend reports of the contract (docs/api-contract.graphql), as plain data. Times
 * are ISO-8601 strings in UTC with milliseconds; periods are half-open [from, to); buckets are UTC
 * (WEEK: ISO weeks, starting Monday). Arguments are checked by `report-arguments.ts` before a query
 * runs; the queries assume checked arguments.
 */

export const TIME_BUCKETS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type TimeBucket = (typeof TIME_BUCKETS)[number];

export const TREND_DIMENSIONS = [
  'NONE',
  'SERVICE',
  'SEVERITY',
  'KIND',
  'DETECTION_SOURCE',
  'FACTOR_CATEGORY',
  'TAG',
] as const;
export type TrendDimension = (typeof TREND_DIMENSIONS)[number];

export const ACTION_ITEM_DIMENSIONS = ['NONE', 'OWNER_TEAM', 'PRIORITY', 'TYPE', 'SERVICE'] as const;
export type ActionItemDimension = (typeof ACTION_ITEM_DIMENSIONS)[number];

export const LEARNING_DIMENSIONS = ['NONE', 'SERVICE', 'SEVERITY', 'KIND'] as const;
export type LearningDimension = (typeof LEARNING_DIMENSIONS)[number];

/** The contract's TrendInput (incidentTrend and responseTimes). */
export interface TrendInput {
  readonly from: string;
  readonly to: string;
  readonly bucket: TimeBucket;
  readonly groupBy: TrendDimension;
  readonly filter?: IncidentFilter | null;
}

export interface TrendPoint {
  readonly bucketStart: string;
  /** The group's value (service name, SEV2, ...); null when groupBy is NONE. */
  readonly key: string | null;
  readonly count: number;
}

/** Durations in seconds from startedAt; incidents without the milestone are left out. */
export interface DurationStats {
  readonly count: number;
  readonly meanSeconds: number | null;
  readonly medianSeconds: number | null;
  readonly p90Seconds: number | null;
}

export interface ResponseTimePoint {
  readonly bucketStart: string;
  readonly key: string | null;
  readonly incidents: number;
  readonly detect: DurationStats;
  readonly acknowledge: DurationStats;
  readonly mitigate: DurationStats;
  readonly resolve: DurationStats;
}

/** The contract's PeriodInput (contributingFactors and recurrence). */
export interface PeriodInput {
  readonly from: string;
  readonly to: string;
  readonly filter?: IncidentFilter | null;
}

export interface FactorRank {
  readonly category: FactorCategory;
  readonly incidents: number;
  readonly share: number;
  readonly previousPeriodIncidents: number;
}

/** The contract's ActionItemHealthInput, with `asOf` defaulted by the caller (now). */
export interface ActionItemHealthInput {
  readonly asOf: string;
  readonly groupBy: ActionItemDimension;
  readonly from?: string | null;
  readonly to?: string | null;
}

export interface ActionItemHealthRow {
  readonly key: string | null;
  readonly open: number;
  readonly inProgress: number;
  readonly done: number;
  readonly wontDo: number;
  readonly overdue: number;
  readonly completionRate: number;
  readonly medianDaysToClose: number | null;
}

/** The contract's LearningInput, with `asOf` defaulted by the caller (now). */
export interface LearningInput {
  readonly from: string;
  readonly to: string;
  readonly bucket: TimeBucket;
  readonly groupBy?: LearningDimension | null;
  readonly filter?: IncidentFilter | null;
  readonly asOf: string;
}

/** The contract's LearningPoint: see learning.query.ts for each figure. */
export interface LearningPoint {
  readonly bucketStart: string;
  readonly key: string | null;
  readonly incidents: number;
  readonly nearMisses: number;
  readonly nearMissRatio: number | null;
  readonly experiments: number;
  readonly refutedRate: number | null;
  readonly postmortemRate: number | null;
  readonly medianDaysToPostmortem: number | null;
  readonly overduePostmortems: number;
  readonly actionItemRate: number | null;
  readonly onTimeActionItemRate: number | null;
}

export interface RecurrenceCluster {
  readonly service: string;
  readonly category: FactorCategory;
  /**
   * Ids of the incidents of the cluster, oldest first (the resolver loads them); null when the caller
   * did not ask for them (recurrence's `clusterIncidents: false`).
   */
  readonly incidentIds: readonly string[] | null;
}

export interface RecurrenceReport {
  readonly incidents: number;
  readonly recurrences: number;
  readonly repeatRate: number;
  readonly clusters: readonly RecurrenceCluster[];
}

/** The values a report groups by, for reference in tests and docs. */
/* eslint-disable @typescript-eslint/no-redundant-type-constituents -- the union documents what a key holds */
export type GroupValue =
  string | IncidentKind | Severity | DetectionSource | FactorCategory | Priority | ActionItemType;
/* eslint-enable @typescript-eslint/no-redundant-type-constituents */
