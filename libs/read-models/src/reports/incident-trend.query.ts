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

type Point = { bucketStart: string; key: string | null; count: number };

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

  const iso = bucketStartFormatter();
  const points: Point[] = [];
  // Whether points are in order (bucketStart, then key in JavaScript's string order) and one per
  // bucket and key as built; else (QUARTER's months, or a database's order not JavaScript's) they
  // are sorted and added up at the end.
  let ordered = true;
  if (source.key === null) {
    const byStart = new Map<number, Point>();
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) {
      const point = { bucketStart: iso(start), key: null, count: 0 };
      byStart.set(start, point);
      points.push(point);
    }
    for (const row of await runReportSql<BucketRow>(queryable, counts, parameters)) {
      const start = bucket.startOf(row.bucket);
      const point = byStart.get(start);
      if (point) point.count += integerOf(row.incidents);
      else {
        const extra = { bucketStart: iso(start), key: null, count: integerOf(row.incidents) };
        byStart.set(start, extra);
        points.push(extra);
        ordered = false;
      }
    }
  } else {
    // One row per bucket with its keys' counts as JSON, keys in the same order on both databases
    // (they are lowercase ASCII names and enums; PostgreSQL compares them byte by byte with "C"):
    // by SERVICE by WEEK that is 53 rows instead of 13,000, which the drivers would otherwise turn
    // into objects one by one (on PostgreSQL, also 5–10 ms more of garbage collection per request).
    const postgres = managerOf(queryable).connection.options.type === 'postgres';
    const pairs = postgres
      ? `json_agg(json_build_array(group_key, incidents) ORDER BY group_key COLLATE "C")::text`
      : 'json_group_array(json_array(group_key, incidents) ORDER BY group_key)';
    const sql = `SELECT bucket, ${pairs} AS points FROM (${counts}) counts GROUP BY bucket ORDER BY bucket`;
    let lastStart = -Infinity;
    for (const row of await runReportSql<KeyedBucketRow>(queryable, sql, parameters)) {
      const start = bucket.startOf(row.bucket);
      if (start <= lastStart) ordered = false;
      lastStart = start;
      const bucketStart = iso(start);
      let previous: string | null | undefined;
      for (const [key, count] of JSON.parse(row.points) as Array<[string | null, number | string]>) {
        if (previous !== undefined && compareKeys(previous, key) >= 0) ordered = false;
        previous = key;
        points.push({ bucketStart, key, count: integerOf(count) });
      }
    }
  }
  return ordered ? points : sortedAndAddedUp(points);
}

/** Points in order (ISO bucket starts sort as the instants do), one per bucket and key. */
function sortedAndAddedUp(points: Point[]): Point[] {
  points.sort((a, b) =>
    a.bucketStart < b.bucketStart ? -1 : a.bucketStart > b.bucketStart ? 1 : compareKeys(a.key, b.key),
  );
  const merged: Point[] = [];
  for (const point of points) {
    const last = merged[merged.length - 1];
    if (last && last.bucketStart === point.bucketStart && last.key === point.key) last.count += point.count;
    else merged.push({ ...point });
  }
  return merged;
}
