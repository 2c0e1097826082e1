import { CURRENT_VERSION_END } from '../action-item-history/action-item-version.entity';
import { managerOf, type ReadModelQueryable } from '../query-arguments';
import { bucketKey, bucketStartFormatter, bucketStarts } from './buckets';
import {
  compareKeys,
  factsFilterConditions,
  integerOf,
  reportSource,
  runReportSql,
  type SqlParameters,
} from './facts-filter';
import { checkLearningInput, type CheckedLearning } from './report-arguments';
import type { LearningInput, LearningPoint } from './report-types';
import { percentileOfSorted } from './statistics';

const DAY_MS = 86_400_000;

/** Kind INCIDENT with severity SEV1 or SEV2: the postmortem policy's scope. */
const MAJOR = `f.kind = 'INCIDENT' AND f.severity IN ('SEV1', 'SEV2')`;
const EXPERIMENT = `f.kind IN ('CHAOS_EXPERIMENT', 'GAME_DAY')`;

/** The sums of a bucket and key, added up over the rows of both statements (QUARTER: its months). */
interface Sums {
  incidents: number;
  nearMisses: number;
  experiments: number;
  /** Experiments concluded HELD or REFUTED by asOf, and the REFUTED ones. */
  concluded: number;
  refuted: number;
  major: number;
  published: number;
  overdue: number;
  /** publishedAt - resolvedAt in milliseconds, for the median. */
  daysToPostmortem: number[];
  withItems: number;
  dueItems: number;
  onTime: number;
}

/**
 * The contract's learning report: per UTC bucket of startedAt (as incidentTrend) and group, judged as
 * of `asOf` by domain times:
 * - incidents (kind INCIDENT), nearMisses, nearMissRatio = nearMisses / incidents;
 * - experiments (CHAOS_EXPERIMENT, GAME_DAY); refutedRate = REFUTED / (HELD + REFUTED) among those
 *   concluded at or before asOf (ABORTED ones left out);
 * - major incidents (INCIDENT, SEV1 or SEV2): postmortemRate = those whose first postmortem was
 *   published at or before asOf / all; medianDaysToPostmortem over those also resolved at or before
 *   asOf, of (publishedAt - resolvedAt) in days (the last RESOLVED milestone); overduePostmortems:
 *   postmortemDueAt before asOf and no postmortem published by asOf;
 * - actionItemRate: incidents (kind INCIDENT) with an action item opened by asOf / incidents;
 * - onTimeActionItemRate: of the items of the bucket's incidents (every kind) as they were at asOf
 *   (action_item_status_history, as actionItemHealth) with a due date before asOf and not WONT_DO,
 *   the share DONE at asOf with its completion at or before its due date of then.
 * A rate is null when its denominator is 0. groupBy NONE: every bucket of the period (key null),
 * zeros when empty; by SERVICE (an incident under each of its services), SEVERITY or KIND: the
 * (bucket, key) pairs with incidents of any kind. Ordered by bucketStart, then key.
 *
 * Two statements over covering indexes: the incidents' figures from a range of incident_facts'
 * learning index, and the action items' from the versions valid at asOf, each joined to its incident's
 * fact row by (started_at, incident_id) (see the LearningFacts migration for the indexes). Throws
 * InvalidQueryArgumentError on a bad input.
 */
export async function learning(
  queryable: ReadModelQueryable,
  input: LearningInput,
): Promise<LearningPoint[]> {
  const args = checkLearningInput(input);
  const postgres = managerOf(queryable).connection.options.type === 'postgres';
  const sums = new Map<number, Map<string | null, Sums>>();
  const at = (start: number, key: string | null): Sums => {
    let keys = sums.get(start);
    if (!keys) sums.set(start, (keys = new Map<string | null, Sums>()));
    let s = keys.get(key);
    if (!s) keys.set(key, (s = emptySums()));
    return s;
  };
  if (args.groupBy === 'NONE')
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) at(start, null);

  const incidents = incidentStatement(args, postgres);
  for (const row of await runReportSql<Record<string, unknown>>(
    queryable,
    incidents.sql,
    incidents.parameters,
  )) {
    const s = at(incidents.startOf(row.bucket as string | number), keyValue(row.group_key));
    s.incidents += integerOf(row.incidents);
    s.nearMisses += integerOf(row.near_misses);
    s.experiments += integerOf(row.experiments);
    s.concluded += integerOf(row.concluded);
    s.refuted += integerOf(row.refuted);
    s.major += integerOf(row.major);
    s.published += integerOf(row.published);
    s.overdue += integerOf(row.overdue);
    const days = row.to_postmortem;
    if (typeof days === 'string')
      for (const ms of JSON.parse(days) as unknown[]) s.daysToPostmortem.push(Number(ms));
  }
  const items = itemStatement(args);
  for (const row of await runReportSql<Record<string, unknown>>(queryable, items.sql, items.parameters)) {
    const keys = sums.get(items.startOf(row.bucket as string | number));
    // An item whose incident the incident statement did not count (the two projections apart for a
    // moment) has no group to join.
    const s = keys?.get(keyValue(row.group_key));
    if (!s) continue;
    s.withItems += integerOf(row.with_items);
    s.dueItems += integerOf(row.due_items);
    s.onTime += integerOf(row.on_time);
  }

  const iso = bucketStartFormatter();
  const points: LearningPoint[] = [];
  for (const [start, keys] of sums)
    for (const [key, s] of keys) {
      // QUARTER adds the withItems of its months: an incident is in one month, so none counts twice.
      const sorted = Float64Array.from(s.daysToPostmortem).sort();
      points.push({
        bucketStart: iso(start),
        key,
        incidents: s.incidents,
        nearMisses: s.nearMisses,
        nearMissRatio: rate(s.nearMisses, s.incidents),
        experiments: s.experiments,
        refutedRate: rate(s.refuted, s.concluded),
        postmortemRate: rate(s.published, s.major),
        medianDaysToPostmortem: percentileOfSorted(sorted, 1, 2, DAY_MS),
        overduePostmortems: s.overdue,
        actionItemRate: rate(s.withItems, s.incidents),
        onTimeActionItemRate: rate(s.onTime, s.dueItems),
      });
    }
  return points.sort((a, b) =>
    a.bucketStart < b.bucketStart ? -1 : a.bucketStart > b.bucketStart ? 1 : compareKeys(a.key, b.key),
  );
}

interface Statement {
  readonly sql: string;
  readonly parameters: SqlParameters;
  /** The bucket start (epoch ms) of a row's bucket key. */
  startOf(key: string | number): number;
}

/** The incidents' figures per bucket key and group key, from incident_facts `f`. */
function incidentStatement(args: CheckedLearning, postgres: boolean): Statement {
  const parameters: SqlParameters = { from: args.from, to: args.to, asOfMs: args.asOfMs };
  const source = reportSource({
    dimension: args.groupBy,
    filter: args.filter,
    readsFacts: true,
    period: { from: 'from', to: 'to' },
    parameters,
  });
  const bucket = bucketKey(args.bucket, source);
  const count = (condition: string) => `SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END)`;
  const published = 'f.postmortem_published_at_ms <= :asOfMs';
  const concluded = `${EXPERIMENT} AND f.experiment_concluded_at_ms <= :asOfMs`;
  const toPostmortem = `${postgres ? 'json_agg' : 'json_group_array'}(f.postmortem_published_at_ms - f.resolved_at_ms)
      FILTER (WHERE ${MAJOR} AND ${published} AND f.resolved_at_ms <= :asOfMs)${postgres ? '::text' : ''}`;
  const sql = `SELECT ${bucket.sql} AS bucket, ${source.key ?? 'NULL'} AS group_key,
      ${count(`f.kind = 'INCIDENT'`)} AS incidents,
      ${count(`f.kind = 'NEAR_MISS'`)} AS near_misses,
      ${count(EXPERIMENT)} AS experiments,
      ${count(`${concluded} AND f.experiment_outcome IN ('HELD', 'REFUTED')`)} AS concluded,
      ${count(`${concluded} AND f.experiment_outcome = 'REFUTED'`)} AS refuted,
      ${count(MAJOR)} AS major,
      ${count(`${MAJOR} AND ${published}`)} AS published,
      ${count(`${MAJOR} AND f.postmortem_due_at_ms < :asOfMs
        AND (f.postmortem_published_at_ms IS NULL OR f.postmortem_published_at_ms > :asOfMs)`)} AS overdue,
      ${toPostmortem} AS to_postmortem
    FROM ${source.from}
    WHERE ${source.conditions.join(' AND ')}
    GROUP BY 1, 2`;
  return { sql, parameters, startOf: (key) => bucket.startOf(key) };
}

/**
 * The action items' figures per bucket key and group key: the versions valid at asOf of the items of
 * incidents started in the period, in the two exact ranges of the history's period index that
 * actionItemHealth reads (current versions, and those that ended after asOf), each joined to its
 * incident's fact row by (started_at, incident_id).
 */
function itemStatement(args: CheckedLearning): Statement {
  const parameters: SqlParameters = {
    from: args.from,
    to: args.to,
    asOf: args.asOf,
    end: CURRENT_VERSION_END,
  };
  const filter = factsFilterConditions(
    args.filter,
    { facts: 'f', incident: 'f', startedAt: 'f.started_at', period: { from: 'from', to: 'to' } },
    parameters,
  );
  const services =
    args.groupBy === 'SERVICE' ? 'JOIN incident_fact_services g ON g.incident_id = f.incident_id' : '';
  const key = { NONE: 'NULL', SERVICE: 'g.service', SEVERITY: 'f.severity', KIND: 'f.kind' }[args.groupBy];
  const valid = (toAt: string) => `SELECT ${key} AS group_key, f.started_at, f.started_at_ms, f.kind,
      h.incident_id, h.status, h.due_date, h.completed_at
    FROM action_item_status_history h
    JOIN incident_facts f ON f.started_at = h.incident_started_at AND f.incident_id = h.incident_id
    ${services}
    WHERE ${[
      toAt,
      'h.from_at <= :asOf',
      'h.to_at > :asOf',
      'h.incident_started_at >= :from',
      'h.incident_started_at < :to',
      // The same range on the fact rows (equal through the join), so a planner that hashes the
      // join reads a range of the learning index rather than every fact row.
      'f.started_at >= :from',
      'f.started_at < :to',
      ...filter,
    ].join(' AND ')}`;
  const bucket = bucketKey(args.bucket, { startedAt: 'v.started_at', startedAtMs: 'v.started_at_ms' });
  const due = `v.due_date < :asOf AND v.status <> 'WONT_DO'`;
  const sql = `SELECT ${bucket.sql} AS bucket, v.group_key,
      COUNT(DISTINCT CASE WHEN v.kind = 'INCIDENT' THEN v.incident_id END) AS with_items,
      SUM(CASE WHEN ${due} THEN 1 ELSE 0 END) AS due_items,
      SUM(CASE WHEN ${due} AND v.status = 'DONE' AND v.completed_at <= v.due_date THEN 1 ELSE 0 END)
        AS on_time
    FROM (${valid('h.to_at = :end')} UNION ALL ${valid('h.to_at < :end')}) v
    GROUP BY 1, 2`;
  return { sql, parameters, startOf: (k) => bucket.startOf(k) };
}

function emptySums(): Sums {
  return {
    incidents: 0,
    nearMisses: 0,
    experiments: 0,
    concluded: 0,
    refuted: 0,
    major: 0,
    published: 0,
    overdue: 0,
    daysToPostmortem: [],
    withItems: 0,
    dueItems: 0,
    onTime: 0,
  };
}

/** part / whole, null when whole is 0 (the contract's rates). */
function rate(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function keyValue(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
