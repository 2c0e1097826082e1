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
import type { TrendInput, TrendPoint } from './report-types';

interface TrendRow {
  bucket: number | string;
  group_key?: string | null;
  incidents: number | string;
}

/**
 * The contract's incidentTrend: incidents started in [from, to) (and matching the filter) per UTC
 * bucket and group. Buckets are calendar-aligned (see buckets.ts): the first starts at or before
 * `from`. With groupBy NONE every bucket of the period appears, 0 when empty (charts need the gaps);
 * with a dimension only the (bucket, key) pairs with incidents appear, and an incident counts once
 * under each of its services / tags / factor categories (and under none when it has none). Ordered by
 * bucketStart, then key. One statement. Throws InvalidQueryArgumentError on a bad input.
 */
export async function incidentTrend(queryable: ReadModelQueryable, input: TrendInput): Promise<TrendPoint[]> {
  const args = checkTrendInput(input);
  const starts = bucketStarts(args.fromMs, args.toMs, args.bucket);
  const index = bucketIndex(args.bucket, starts[0], {
    startedAt: 'f.started_at',
    startedAtMs: 'f.started_at_ms',
  });
  const group = groupOf(args.groupBy);
  const parameters: SqlParameters = { from: args.from, to: args.to };
  const conditions = [
    'f.started_at >= :from',
    'f.started_at < :to',
    ...factsFilterConditions(args.filter, 'f', parameters),
  ];
  const sql = `SELECT ${index.sql} AS bucket${group.key ? `, ${group.key} AS group_key` : ''}, COUNT(*) AS incidents
    FROM incident_facts f ${group.join}
    WHERE ${conditions.join(' AND ')}
    GROUP BY ${group.key ? '1, 2' : '1'}`;
  const rows = await runReportSql<TrendRow>(queryable, sql, parameters);
  const points = rows.map((row) => ({
    bucketStart: index.startOf(integerOf(row.bucket)),
    key: row.group_key ?? null,
    count: integerOf(row.incidents),
  }));
  if (group.key === null) {
    const counts = new Map(points.map((p) => [p.bucketStart, p.count]));
    return starts.map((start) => ({ bucketStart: isoOfMs(start), key: null, count: counts.get(start) ?? 0 }));
  }
  return points
    .sort((a, b) => a.bucketStart - b.bucketStart || compareKeys(a.key, b.key))
    .map((p) => ({ bucketStart: isoOfMs(p.bucketStart), key: p.key, count: p.count }));
}
