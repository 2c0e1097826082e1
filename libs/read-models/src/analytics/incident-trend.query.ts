import { managerOf, type ReadModelQueryable } from '../query-arguments';
import { bucketKey, bucketStartFormatter, bucketStarts } from './buckets';
import { compareKeys, integerOf, reportSource, runReportSql, type SqlParameters } from './facts-filter';
import { checkTrendInput } from './report-arguments';
import type { TrendInput, TrendPoint } from './report-types';

/** groupBy NONE: a bucket's count. */
interface BucketRow {
  bucket: string | number;
  incidents: number | string;
}

/** By a dimension: a bucket's [key, count] pairs, by key, as JSON text. */
interface KeyedBucketRow {
  bucket: string | number;
  points: string;
}

type Point = { bucketStart: number; key: string | null; count: number };

/**
 * The contract's incidentTrend: incidents started in [from, to) (and matching the filter) per UTC
 * bucket and group. Buckets are calendar-aligned (see buckets.ts): the first starts at or before
 * `from`. With groupBy NONE every bucket of the period appears, 0 when empty (charts need the gaps);
 * with a dimension only the (bucket, key) pairs with incidents appear, and an incident counts once
 * under each of its services / tags / factor categories (and under none when it has none). Ordered by
 * bucketStart, then key. One statement: counts per bucket and key, computed in SQL (see buckets.ts;
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
  const counts = `SELECT ${bucket.sql} AS bucket${source.key ? `, ${source.key} AS group_key` : ''}, COUNT(*) AS incidents
    FROM ${source.from}
    WHERE ${source.conditions.join(' AND ')}
    GROUP BY ${source.key ? '1, 2' : '1'}`;

  const points: Point[] = [];
  if (source.key === null) {
    const byStart = new Map<number, Point>();
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) {
      const point = { bucketStart: start, key: null, count: 0 };
      byStart.set(start, point);
      points.push(point);
    }
    for (const row of await runReportSql<BucketRow>(queryable, counts, parameters)) {
      const start = bucket.startOf(row.bucket);
      const point = byStart.get(start);
      if (point) point.count += integerOf(row.incidents);
      else byStart.set(start, { bucketStart: start, key: null, count: integerOf(row.incidents) });
    }
  } else {
    // One row per bucket with its keys' counts as JSON, keys in the same order on both databases
    // (they are lowercase ASCII names and enums; PostgreSQL compares them byte by byte with "C"):
    // by SERVICE by WEEK that is 53 rows instead of 13,000, which the PostgreSQL driver would
    // otherwise turn into objects one by one (a third of the report's time, most of it garbage).
    const postgres = managerOf(queryable).connection.options.type === 'postgres';
    const pairs = postgres
      ? `json_agg(json_build_array(group_key, incidents) ORDER BY group_key COLLATE "C")::text`
      : 'json_group_array(json_array(group_key, incidents) ORDER BY group_key)';
    const sql = `SELECT bucket, ${pairs} AS points FROM (${counts}) counts GROUP BY bucket ORDER BY bucket`;
    for (const row of await runReportSql<KeyedBucketRow>(queryable, sql, parameters)) {
      const start = bucket.startOf(row.bucket);
      for (const [key, count] of JSON.parse(row.points) as Array<[string, number | string]>)
        points.push({ bucketStart: start, key, count: integerOf(count) });
    }
  }
  // In order already, but for QUARTER's months (sorted here in JavaScript's string order, one pass
  // when already in order), whose points are then added up.
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
