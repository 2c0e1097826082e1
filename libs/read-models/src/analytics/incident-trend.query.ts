import type { ReadModelQueryable } from '../query-arguments';
import { bucketKey, bucketStartFormatter, bucketStarts } from './buckets';
import { compareKeys, integerOf, reportSource, runReportSql, type SqlParameters } from './facts-filter';
import { checkTrendInput } from './report-arguments';
import type { TrendInput, TrendPoint } from './report-types';

interface TrendRow {
  bucket: string | number;
  group_key?: string | null;
  incidents: number | string;
}

/**
 * The contract's incidentTrend: incidents started in [from, to) (and matching the filter) per UTC
 * bucket and group. Buckets are calendar-aligned (see buckets.ts): the first starts at or before
 * `from`. With groupBy NONE every bucket of the period appears, 0 when empty (charts need the gaps);
 * with a dimension only the (bucket, key) pairs with incidents appear, and an incident counts once
 * under each of its services / tags / factor categories (and under none when it has none). Ordered by
 * bucketStart, then key. One statement (counts per bucket and key, computed in SQL, see buckets.ts;
 * per month for QUARTER, whose months are added up here). Throws InvalidQueryArgumentError on a bad
 * input.
 */
export async function incidentTrend(queryable: ReadModelQueryable, input: TrendInput): Promise<TrendPoint[]> {
  const args = checkTrendInput(input);
  const parameters: SqlParameters = { from: args.from, to: args.to };
  const source = reportSource({
    dimension: args.groupBy,
    filter: args.filter,
    readsFacts: false,
    period: { from: 'from', to: 'to' },
    parameters,
  });
  const bucket = bucketKey(args.bucket, source);
  const sql = `SELECT ${bucket.sql} AS bucket${source.key ? `, ${source.key} AS group_key` : ''}, COUNT(*) AS incidents
    FROM ${source.from}
    WHERE ${source.conditions.join(' AND ')}
    GROUP BY ${source.key ? '1, 2' : '1'}`;
  const rows = await runReportSql<TrendRow>(queryable, sql, parameters);

  const counts = new Map<string, { bucketStart: number; key: string | null; count: number }>();
  const at = (bucketStart: number, key: string | null) => {
    const id = key === null ? String(bucketStart) : `${bucketStart} ${key}`;
    let point = counts.get(id);
    if (!point) counts.set(id, (point = { bucketStart, key, count: 0 }));
    return point;
  };
  if (source.key === null)
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) at(start, null);
  for (const row of rows)
    at(bucket.startOf(row.bucket), row.group_key ?? null).count += integerOf(row.incidents);
  const iso = bucketStartFormatter();
  return [...counts.values()]
    .sort((a, b) => a.bucketStart - b.bucketStart || compareKeys(a.key, b.key))
    .map((p) => ({ bucketStart: iso(p.bucketStart), key: p.key, count: p.count }));
}
