import { managerOf, type ReadModelQueryable } from '../query-arguments';
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
  const postgres = managerOf(queryable).connection.options.type === 'postgres';
  const sql = `SELECT ${bucket.sql} AS bucket${source.key ? `, ${source.key} AS group_key` : ''}, COUNT(*) AS incidents
    FROM ${source.from}
    WHERE ${source.conditions.join(' AND ')}
    GROUP BY ${source.key ? '1, 2' : '1'}
    ORDER BY ${source.key ? `1, ${source.key}${postgres ? ' COLLATE "C"' : ''}` : '1'}`;
  const rows = await runReportSql<TrendRow>(queryable, sql, parameters);

  // One point per row: the statement groups by bucket and key, except QUARTER's months, whose
  // points are added up once sorted. Built without a lookup per row: a report by SERVICE by WEEK is
  // 13,000 rows.
  let points: Array<{ bucketStart: number; key: string | null; count: number }>;
  if (source.key === null) {
    const byStart = new Map<number, { bucketStart: number; key: null; count: number }>();
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket))
      byStart.set(start, { bucketStart: start, key: null, count: 0 });
    for (const row of rows) {
      const start = bucket.startOf(row.bucket);
      const point = byStart.get(start);
      if (point) point.count += integerOf(row.incidents);
      else byStart.set(start, { bucketStart: start, key: null, count: integerOf(row.incidents) });
    }
    points = [...byStart.values()];
  } else {
    points = rows.map((row) => ({
      bucketStart: bucket.startOf(row.bucket),
      key: row.group_key ?? null,
      count: integerOf(row.incidents),
    }));
  }
  // The statement's order is the same on both databases (keys are lowercase ASCII names and
  // enums); sorted here too, in JavaScript's string order, which costs one pass when it already is.
  points.sort((a, b) => a.bucketStart - b.bucketStart || compareKeys(a.key, b.key));
  const iso = bucketStartFormatter();
  const merged: Array<{ bucketStart: string; key: string | null; count: number }> = [];
  let last: (typeof merged)[number] | undefined;
  let lastStart = NaN;
  for (const point of points) {
    if (last && point.bucketStart === lastStart && point.key === last.key) last.count += point.count;
    else {
      merged.push((last = { bucketStart: iso(point.bucketStart), key: point.key, count: point.count }));
      lastStart = point.bucketStart;
    }
  }
  return merged;
}
