import type { IncidentKind } from '@kb/domain';
import { managerOf, type ReadModelQueryable } from '../query-arguments';
import { bucketKey, bucketStartFormatter, bucketStarts } from './buckets';
import { compareKeys, integerOf, reportSource, runReportSql, type SqlParameters } from './facts-filter';
import { checkTrendInput } from './report-arguments';
import type { ResponseTimePoint, TrendInput } from './report-types';
import { millisStats } from './statistics';

/** Kinds a response-time report covers unless the filter names kinds: drills are left out. */
export const RESPONSE_TIME_DEFAULT_KINDS: readonly IncidentKind[] = ['INCIDENT', 'NEAR_MISS'];

/** A JSON array of whole milliseconds (SQLite: its text; PostgreSQL: parsed by the driver, null when empty). */
type Durations = string | number[] | null;

/** Per bucket (month for QUARTER) and key: the incidents and the durations they have. */
interface DurationRow {
  bucket: string | number;
  group_key?: string | null;
  incidents: number | string;
  detect: Durations;
  acknowledge: Durations;
  mitigate: Durations;
  resolve: Durations;
}

/** A point's durations: one array per row (one row, but for QUARTER's months). */
interface Group {
  readonly bucketStart: number;
  readonly key: string | null;
  incidents: number;
  readonly detect: number[][];
  readonly acknowledge: number[][];
  readonly mitigate: number[][];
  readonly resolve: number[][];
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
 * One statement (a covering index range per kind, see the report-bucket-times migration) hands over
 * the durations per bucket (month for QUARTER) and key; the statistics are computed here from the
 * whole milliseconds, identically for both databases.
 */
export async function responseTimes(
  queryable: ReadModelQueryable,
  input: TrendInput,
): Promise<ResponseTimePoint[]> {
  const args = checkTrendInput(input);
  const parameters: SqlParameters = { from: args.from, to: args.to };
  const source = reportSource({
    dimension: args.groupBy,
    filter: { ...args.filter, kinds: args.filter.kinds ?? RESPONSE_TIME_DEFAULT_KINDS },
    readsFacts: true,
    period: { from: 'from', to: 'to' },
    parameters,
  });
  const bucket = bucketKey(args.bucket, source);
  // Durations travel as one JSON array per bucket and key, not one row per incident: the same numbers,
  // a fraction of the rows to hand over. They travel as whole milliseconds: a stored duration is the
  // double milliseconds / 1000 (see the projection), within far less than half a millisecond of it,
  // so rounding recovers the milliseconds exactly in either database; and integers are cheaper than
  // doubles for the database to write as JSON text and for JSON.parse to read. Missing milestones
  // are left out by the database, so a parsed array is the statistic's input as it is. The
  // aggregate's name and the integer type are the differences between dialects.
  const postgres = managerOf(queryable).connection.options.type === 'postgres';
  const list = (column: string) =>
    `${postgres ? 'json_agg' : 'json_group_array'}(CAST(round(f.${column} * 1000) AS ${postgres ? 'bigint' : 'INTEGER'}))
      FILTER (WHERE f.${column} IS NOT NULL)`;
  const sql = `SELECT ${bucket.sql} AS bucket${source.key ? `, ${source.key} AS group_key` : ''},
      COUNT(*) AS incidents, ${list('detect_seconds')} AS detect, ${list('acknowledge_seconds')} AS acknowledge,
      ${list('mitigate_seconds')} AS mitigate, ${list('resolve_seconds')} AS resolve
    FROM ${source.from}
    WHERE ${source.conditions.join(' AND ')}
    GROUP BY ${source.key ? '1, 2' : '1'}`;
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
  if (source.key === null)
    for (const start of bucketStarts(args.fromMs, args.toMs, args.bucket)) groupAt(start, null);
  for (const row of rows) {
    const found = groupAt(bucket.startOf(row.bucket), row.group_key ?? null);
    found.incidents += integerOf(row.incidents);
    addMillis(found.detect, row.detect);
    addMillis(found.acknowledge, row.acknowledge);
    addMillis(found.mitigate, row.mitigate);
    addMillis(found.resolve, row.resolve);
  }
  const iso = bucketStartFormatter();
  return [...groups.values()]
    .sort((a, b) => a.bucketStart - b.bucketStart || compareKeys(a.key, b.key))
    .map((g) => ({
      bucketStart: iso(g.bucketStart),
      key: g.key,
      incidents: g.incidents,
      detect: millisStats(joined(g.detect)),
      acknowledge: millisStats(joined(g.acknowledge)),
      mitigate: millisStats(joined(g.mitigate)),
      resolve: millisStats(joined(g.resolve)),
    }));
}

/** Adds a row's durations (whole milliseconds) to a point's. */
function addMillis(parts: number[][], durations: Durations): void {
  if (durations === null) return;
  const values = typeof durations === 'string' ? (JSON.parse(durations) as number[]) : durations;
  if (values.length > 0) parts.push(values);
}

/** The durations of a point in one array (copied once: the statistics rearrange it). */
function joined(parts: readonly number[][]): Float64Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const millis = new Float64Array(length);
  let offset = 0;
  for (const part of parts) {
    millis.set(part, offset);
    offset += part.length;
  }
  return millis;
}
