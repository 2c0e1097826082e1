import type { IncidentKind } from '@kb/domain';
import type { ReadModelQueryable } from '../query-arguments';
import { bucketIndex, bucketStarts, isoOfMs } from './buckets';
import {
  compareKeys,
  factsFilterConditions,
  groupOf,
  integerOf,
  runReportSql,
  type SqlParameters,
} from './facts-filter';
import { checkTrendInput } from './report-arguments';
import type { ResponseTimePoint, TrendInput } from './report-types';
import { durationStats } from './statistics';

/** Kinds a response-time report covers unless the filter names kinds: drills are left out. */
export const RESPONSE_TIME_DEFAULT_KINDS: readonly IncidentKind[] = ['INCIDENT', 'NEAR_MISS'];

interface DurationRow {
  bucket: number | string;
  group_key?: string | null;
  detect_ms: number | string | null;
  acknowledge_ms: number | string | null;
  mitigate_ms: number | string | null;
  resolve_ms: number | string | null;
}

interface Group {
  readonly bucketStart: number;
  readonly key: string | null;
  incidents: number;
  readonly detect: number[];
  readonly acknowledge: number[];
  readonly mitigate: number[];
  readonly resolve: number[];
}

/**
 * The contract's responseTimes: per UTC bucket and group (as incidentTrend: calendar-aligned buckets,
 * every bucket zero-filled with groupBy NONE, only groups with incidents otherwise, an incident under
 * each of its values of a multi-valued dimension), the incidents started in [from, to) and the
 * DurationStats of their time to detect, acknowledge, mitigate and resolve (seconds from startedAt;
 * an incident without the milestone is left out of that statistic only). CHAOS_EXPERIMENT and
 * GAME_DAY incidents are left out unless `filter.kinds` names them (then the kinds named are taken,
 * as everywhere). Statistics: see statistics.ts (percentile_cont, exact over whole milliseconds).
 *
 * One statement fetches each incident's durations in the period (integer milliseconds, from the
 * stored milestone times); the statistics are computed here, identically for both databases.
 */
export async function responseTimes(
  queryable: ReadModelQueryable,
  input: TrendInput,
): Promise<ResponseTimePoint[]> {
  const args = checkTrendInput(input);
  const starts = bucketStarts(args.fromMs, args.toMs, args.bucket);
  const index = bucketIndex(args.bucket, starts[0], {
    startedAt: 'f.started_at',
    startedAtMs: 'f.started_at_ms',
  });
  const group = groupOf(args.groupBy);
  const parameters: SqlParameters = { from: args.from, to: args.to };
  const filter = { ...args.filter, kinds: args.filter.kinds ?? RESPONSE_TIME_DEFAULT_KINDS };
  const conditions = [
    'f.started_at >= :from',
    'f.started_at < :to',
    ...factsFilterConditions(filter, 'f', parameters),
  ];
  const sql = `SELECT ${index.sql} AS bucket${group.key ? `, ${group.key} AS group_key` : ''},
      f.detected_at_ms - f.started_at_ms AS detect_ms,
      f.acknowledged_at_ms - f.started_at_ms AS acknowledge_ms,
      f.mitigated_at_ms - f.started_at_ms AS mitigate_ms,
      f.resolved_at_ms - f.started_at_ms AS resolve_ms
    FROM incident_facts f ${group.join}
    WHERE ${conditions.join(' AND ')}`;
  const rows = await runReportSql<DurationRow>(queryable, sql, parameters);

  const groups = new Map<string, Group>();
  const groupAt = (bucketStart: number, key: string | null): Group => {
    const id = key === null ? String(bucketStart) : `${bucketStart} ${key}`;
    let found = groups.get(id);
    if (!found) {
      found = { bucketStart, key, incidents: 0, detect: [], acknowledge: [], mitigate: [], resolve: [] };
      groups.set(id, found);
    }
    return found;
  };
  if (group.key === null) for (const start of starts) groupAt(start, null);
  for (const row of rows) {
    const found = groupAt(index.startOf(integerOf(row.bucket)), row.group_key ?? null);
    found.incidents += 1;
    if (row.detect_ms !== null) found.detect.push(integerOf(row.detect_ms));
    if (row.acknowledge_ms !== null) found.acknowledge.push(integerOf(row.acknowledge_ms));
    if (row.mitigate_ms !== null) found.mitigate.push(integerOf(row.mitigate_ms));
    if (row.resolve_ms !== null) found.resolve.push(integerOf(row.resolve_ms));
  }
  return [...groups.values()]
    .sort((a, b) => a.bucketStart - b.bucketStart || compareKeys(a.key, b.key))
    .map((g) => ({
      bucketStart: isoOfMs(g.bucketStart),
      key: g.key,
      incidents: g.incidents,
      detect: durationStats(g.detect),
      acknowledge: durationStats(g.acknowledge),
      mitigate: durationStats(g.mitigate),
      resolve: durationStats(g.resolve),
    }));
}
