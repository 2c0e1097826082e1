import {
  DETECTION_SOURCES,
  FACTOR_CATEGORIES,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  SEVERITIES,
  DomainRuleError,
} from '@kb/domain';
import {
  ACTION_ITEM_DIMENSIONS,
  LEARNING_DIMENSIONS,
  TIME_BUCKETS,
  TREND_DIMENSIONS,
  type ActionItemHealthInput,
  type IncidentFilter,
  type LearningInput,
  type PeriodInput,
  type TrendInput,
} from '@kb/read-models';
import { parseDateTime } from '../graphql/scalars';

/** An URL's query parameters as Express gives them: a string, or an array when repeated. */
export type QueryParams = Record<string, unknown>;

function text(params: QueryParams, name: string): string | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new DomainRuleError(name, 'must be given once, as text.');
  return value;
}

function required(params: QueryParams, name: string): string {
  const value = text(params, name);
  if (value === undefined || value === '') throw new DomainRuleError(name, 'is required.');
  return value;
}

function dateTime(name: string, value: string): string {
  try {
    return parseDateTime(value);
  } catch (error) {
    throw new DomainRuleError(name, error instanceof Error ? error.message : String(error));
  }
}

function oneOf<Value extends string>(name: string, value: string, allowed: readonly Value[]): Value {
  if (!(allowed as readonly string[]).includes(value))
    throw new DomainRuleError(name, `must be one of ${allowed.join(', ')}, not '${value.slice(0, 100)}'.`);
  return value as Value;
}

/** A list parameter: repeated (`kinds=A&kinds=B`) or comma-separated (`kinds=A,B`). */
function list(params: QueryParams, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  const values = (Array.isArray(value) ? value : [value]).map((item) => {
    if (typeof item !== 'string') throw new DomainRuleError(name, 'must be text.');
    return item;
  });
  return values
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function enumList<Value extends string>(params: QueryParams, name: string, allowed: readonly Value[]) {
  return list(params, name)?.map((value, index) => oneOf(`${name}[${index}]`, value, allowed));
}

const FILTER_PARAMS = [
  'kinds',
  'severities',
  'statuses',
  'services',
  'tags',
  'detectionSources',
  'factorCategories',
  'startedFrom',
  'startedTo',
];

function incidentFilter(params: QueryParams): IncidentFilter | null {
  if (!FILTER_PARAMS.some((name) => params[name] !== undefined)) return null;
  const startedFrom = text(params, 'startedFrom');
  const startedTo = text(params, 'startedTo');
  return {
    kinds: enumList(params, 'kinds', INCIDENT_KINDS),
    severities: enumList(params, 'severities', SEVERITIES),
    statuses: enumList(params, 'statuses', INCIDENT_STATUSES),
    services: list(params, 'services'),
    tags: list(params, 'tags'),
    detectionSources: enumList(params, 'detectionSources', DETECTION_SOURCES),
    factorCategories: enumList(params, 'factorCategories', FACTOR_CATEGORIES),
    startedFrom: startedFrom === undefined ? undefined : dateTime('startedFrom', startedFrom),
    startedTo: startedTo === undefined ? undefined : dateTime('startedTo', startedTo),
  };
}

function refuseUnknown(params: QueryParams, known: readonly string[]): void {
  const unknown = Object.keys(params).find((name) => !known.includes(name));
  if (unknown !== undefined)
    throw new DomainRuleError(
      unknown.slice(0, 100),
      `is not a parameter of this report; it takes ${known.join(', ')}.`,
    );
}

/** incidentTrend.csv and responseTimes.csv: from, to, bucket, groupBy and the incident filter's fields. */
export function trendInputOf(params: QueryParams): TrendInput {
  refuseUnknown(params, ['from', 'to', 'bucket', 'groupBy', ...FILTER_PARAMS]);
  return {
    from: dateTime('from', required(params, 'from')),
    to: dateTime('to', required(params, 'to')),
    bucket: oneOf('bucket', required(params, 'bucket'), TIME_BUCKETS),
    groupBy: oneOf('groupBy', text(params, 'groupBy') ?? 'NONE', TREND_DIMENSIONS),
    filter: incidentFilter(params),
  };
}

/** contributingFactors.csv and recurrence.csv: from, to and the incident filter's fields. */
export function periodInputOf(params: QueryParams): PeriodInput {
  refuseUnknown(params, ['from', 'to', ...FILTER_PARAMS]);
  return {
    from: dateTime('from', required(params, 'from')),
    to: dateTime('to', required(params, 'to')),
    filter: incidentFilter(params),
  };
}

/** actionItemHealth.csv: asOf (default now), groupBy, from, to. */
export function actionItemHealthInputOf(params: QueryParams, now: Date): ActionItemHealthInput {
  refuseUnknown(params, ['asOf', 'groupBy', 'from', 'to']);
  const asOf = text(params, 'asOf');
  const from = text(params, 'from');
  const to = text(params, 'to');
  return {
    asOf: asOf === undefined ? now.toISOString() : dateTime('asOf', asOf),
    groupBy: oneOf('groupBy', text(params, 'groupBy') ?? 'NONE', ACTION_ITEM_DIMENSIONS),
    from: from === undefined ? null : dateTime('from', from),
    to: to === undefined ? null : dateTime('to', to),
  };
}

/** learning.csv: from, to, bucket, groupBy, asOf (default now) and the incident filter's fields. */
export function learningInputOf(params: QueryParams, now: Date): LearningInput {
  refuseUnknown(params, ['from', 'to', 'bucket', 'groupBy', 'asOf', ...FILTER_PARAMS]);
  const asOf = text(params, 'asOf');
  return {
    from: dateTime('from', required(params, 'from')),
    to: dateTime('to', required(params, 'to')),
    bucket: oneOf('bucket', required(params, 'bucket'), TIME_BUCKETS),
    groupBy: oneOf('groupBy', text(params, 'groupBy') ?? 'NONE', LEARNING_DIMENSIONS),
    filter: incidentFilter(params),
    asOf: asOf === undefined ? now.toISOString() : dateTime('asOf', asOf),
  };
}
