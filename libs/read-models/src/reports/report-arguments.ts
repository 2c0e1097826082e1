import {
  DETECTION_SOURCES,
  FACTOR_CATEGORIES,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  SEVERITIES,
  type DetectionSource,
  type FactorCategory,
  type IncidentKind,
  type IncidentStatus,
  type Severity,
} from '@kb/domain';
import type { IncidentFilter } from '../incident/incident-list.query';
import { filterList, InvalidQueryArgumentError } from '../query-arguments';
import { countBuckets } from './buckets';
import {
  LEARNING_DIMENSIONS,
  TIME_BUCKETS,
  TREND_DIMENSIONS,
  type LearningDimension,
  type LearningInput,
  type PeriodInput,
  type TimeBucket,
  type TrendDimension,
  type TrendInput,
} from './report-types';

/*
 * The argument rules of the failure-trend reports. A report checks its input before any statement
 * runs; a broken rule is an InvalidQueryArgumentError naming the argument (`input.to`) and the rule,
 * which the GraphQL layer turns into BAD_USER_INPUT. The rules, in the order they are checked:
 *
 * 1. `from`, `to` (and the filter's `startedFrom`, `startedTo`) are RFC 3339 date-times WITH a zone
 *    (`Z` or `±hh:mm`) that name a real instant (no 2026-02-30, no hour 24, no leap second).
 *    Digits past the millisecond are dropped; every time is compared in UTC.
 * 2. `from` < `to`: the period [from, to) is not empty.
 * 3. The period spans at most 10 years: `to` <= `from` + 10 calendar years (UTC).
 * 4. `bucket` is one of TimeBucket; `groupBy` one of TrendDimension (absent or null: NONE).
 * 5. At most 5,000 buckets. (Within 10 years a DAY report has at most 3,654 buckets, so rule 3 is the
 *    one a caller meets; this one keeps the bound should a finer bucket or longer period come.)
 * 6. The filter's lists: at most 100 values, each one of its enum (kinds, severities, ...), or a
 *    non-empty string of at most 500 characters (services, tags); an empty list is no constraint.
 */

export const MAX_REPORT_YEARS = 10;
export const MAX_REPORT_BUCKETS = 5000;

/** The contract's IncidentFilter, checked: null for "no constraint", times in ISO-8601 UTC with ms. */
export interface FactsFilter {
  readonly kinds: readonly IncidentKind[] | null;
  readonly severities: readonly Severity[] | null;
  readonly statuses: readonly IncidentStatus[] | null;
  readonly services: readonly string[] | null;
  readonly tags: readonly string[] | null;
  readonly detectionSources: readonly DetectionSource[] | null;
  /** Incidents with a non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of any of these categories. */
  readonly factorCategories: readonly FactorCategory[] | null;
  /** Inclusive. */
  readonly startedFrom: string | null;
  /** Exclusive. */
  readonly startedTo: string | null;
}

export interface CheckedPeriod {
  /** ISO-8601 UTC with milliseconds. */
  readonly from: string;
  readonly to: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly filter: FactsFilter;
}

export interface CheckedTrend extends CheckedPeriod {
  readonly bucket: TimeBucket;
  readonly groupBy: TrendDimension;
}

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time with a zone as ISO-8601 UTC with milliseconds, or InvalidQueryArgumentError.
 * A Date (as a caller in code may pass) is taken as is.
 */
export function reportTime(argument: string, value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  const invalid = () =>
    new InvalidQueryArgumentError(
      argument,
      `must be an RFC 3339 date-time with a time zone, such as "2026-03-01T00:00:00Z"; got ${describe(value)}.`,
    );
  if (typeof value !== 'string') throw invalid();
  const match = RFC3339.exec(value);
  if (!match) throw invalid();
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offsetHours = match[10] === undefined ? 0 : Number(match[10]);
  const offsetMinutes = match[11] === undefined ? 0 : Number(match[11]);
  if (month < 1 || month > 12) throw invalid();
  const daysInMonth = [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (
    day < 1 ||
    day > daysInMonth ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  )
    throw invalid();
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  const sign = match[9] === '-' ? -1 : 1;
  const ms = date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(ms).toISOString();
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.slice(0, 64)}'`;
  if (value === null || value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

/** Rules 1-3 for `input.from`, `input.to` and rule 6 for `input.filter` (PeriodInput; TrendInput adds 4-5). */
export function checkPeriodInput(input: PeriodInput, argument = 'input'): CheckedPeriod {
  const from = reportTime(`${argument}.from`, input.from);
  const to = reportTime(`${argument}.to`, input.to);
  const fromMs = Date.parse(from);
  const toMs = Date.parse(to);
  if (toMs <= fromMs)
    throw new InvalidQueryArgumentError(
      `${argument}.to`,
      `must be after ${argument}.from (the period is [from, to)); got from ${from}, to ${to}.`,
    );
  const limit = new Date(fromMs);
  limit.setUTCFullYear(limit.getUTCFullYear() + MAX_REPORT_YEARS);
  if (toMs > limit.getTime())
    throw new InvalidQueryArgumentError(
      `${argument}.to`,
      `a report period spans at most ${MAX_REPORT_YEARS} years (to <= ${limit.toISOString()} for from ${from}).`,
    );
  return { from, to, fromMs, toMs, filter: checkFactsFilter(input.filter, `${argument}.filter`) };
}

/** Every rule, for TrendInput (incidentTrend, responseTimes). */
export function checkTrendInput(input: TrendInput, argument = 'input'): CheckedTrend {
  const period = checkPeriodInput(input, argument);
  const bucket = oneOf(`${argument}.bucket`, input.bucket, TIME_BUCKETS);
  const groupBy =
    input.groupBy == null ? 'NONE' : oneOf(`${argument}.groupBy`, input.groupBy, TREND_DIMENSIONS);
  const buckets = countBuckets(period.fromMs, period.toMs, bucket, MAX_REPORT_BUCKETS);
  if (buckets > MAX_REPORT_BUCKETS)
    throw new InvalidQueryArgumentError(
      `${argument}.bucket`,
      `a report has at most ${MAX_REPORT_BUCKETS} buckets; [${period.from}, ${period.to}) by ${bucket} has more.`,
    );
  return { ...period, bucket, groupBy };
}

export interface CheckedLearning extends CheckedPeriod {
  readonly bucket: TimeBucket;
  readonly groupBy: LearningDimension;
  /** ISO-8601 UTC with milliseconds, and as epoch ms. */
  readonly asOf: string;
  readonly asOfMs: number;
}

/** The rules of TrendInput with groupBy one of LearningDimension, and `asOf` a date-time (rule 1). */
export function checkLearningInput(input: LearningInput, argument = 'input'): CheckedLearning {
  const trend = checkTrendInput({ ...input, groupBy: 'NONE' }, argument);
  const groupBy =
    input.groupBy == null ? 'NONE' : oneOf(`${argument}.groupBy`, input.groupBy, LEARNING_DIMENSIONS);
  const asOf = reportTime(`${argument}.asOf`, input.asOf);
  return { ...trend, groupBy, asOf, asOfMs: Date.parse(asOf) };
}

function oneOf<T extends string>(argument: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InvalidQueryArgumentError(
    argument,
    `must be one of ${allowed.join(', ')}; got ${describe(value)}.`,
  );
}

/** Rule 6 and rule 1 for the filter; `argument` is its path (`input.filter`). */
export function checkFactsFilter(filter: IncidentFilter | null | undefined, argument: string): FactsFilter {
  const f = filter ?? {};
  return {
    kinds: filterList(`${argument}.kinds`, f.kinds, INCIDENT_KINDS),
    severities: filterList(`${argument}.severities`, f.severities, SEVERITIES),
    statuses: filterList(`${argument}.statuses`, f.statuses, INCIDENT_STATUSES),
    services: filterList(`${argument}.services`, f.services),
    tags: filterList(`${argument}.tags`, f.tags),
    detectionSources: filterList(`${argument}.detectionSources`, f.detectionSources, DETECTION_SOURCES),
    factorCategories: filterList(`${argument}.factorCategories`, f.factorCategories, FACTOR_CATEGORIES),
    startedFrom: f.startedFrom == null ? null : reportTime(`${argument}.startedFrom`, f.startedFrom),
    startedTo: f.startedTo == null ? null : reportTime(`${argument}.startedTo`, f.startedTo),
  };
}
