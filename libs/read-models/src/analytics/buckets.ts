import type { TimeBucket } from './report-types';

/*
 * Time buckets of a report, in UTC. DAY starts at midnight, WEEK is the ISO week (Monday 00:00 to
 * the next Monday), MONTH, QUARTER (January, April, July, October) and YEAR at their first day.
 *
 * Alignment: a bucket always starts on its calendar boundary, so the first bucket of a period is the
 * one CONTAINING `from` and may start before it (a period from Wednesday 2026-03-04 by WEEK has its
 * first bucketStart on Monday 2026-03-02), and the last one contains the instant just before `to`.
 * Only incidents in the half-open period [from, to) are counted, so the first and last buckets may
 * cover part of their span. Charts of different periods line up; a bucketStart is never a cut.
 */

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** Milliseconds since the epoch of `year`-`month`-01T00:00Z (month 0-based, may overflow); any year. */
function monthStartMs(year: number, month: number): number {
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  date.setUTCFullYear(year, month, 1);
  return date.getTime();
}

/** Start (epoch ms) of the bucket containing the instant `ms`. */
export function bucketStartOf(ms: number, bucket: TimeBucket): number {
  const days = Math.floor(ms / DAY_MS);
  if (bucket === 'DAY') return days * DAY_MS;
  if (bucket === 'WEEK') {
    // 1970-01-01 was a Thursday: day 0 is weekday 3 counting Monday as 0.
    const weekday = (((days + 3) % 7) + 7) % 7;
    return (days - weekday) * DAY_MS;
  }
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  if (bucket === 'MONTH') return monthStartMs(year, month);
  if (bucket === 'QUARTER') return monthStartMs(year, month - (month % 3));
  return monthStartMs(year, 0);
}

/** Start (epoch ms) of the bucket after the one starting at `startMs` (a bucket start). */
export function nextBucketStart(startMs: number, bucket: TimeBucket): number {
  if (bucket === 'DAY') return startMs + DAY_MS;
  if (bucket === 'WEEK') return startMs + WEEK_MS;
  const date = new Date(startMs);
  const months = bucket === 'MONTH' ? 1 : bucket === 'QUARTER' ? 3 : 12;
  return monthStartMs(date.getUTCFullYear(), date.getUTCMonth() + months);
}

/**
 * How many buckets [fromMs, toMs) spans (0 when toMs <= fromMs); stops counting past `limit`, so a
 * huge period costs nothing to reject.
 */
export function countBuckets(fromMs: number, toMs: number, bucket: TimeBucket, limit = Infinity): number {
  let count = 0;
  for (let start = bucketStartOf(fromMs, bucket); start < toMs && count <= limit;) {
    count += 1;
    start = nextBucketStart(start, bucket);
  }
  return count;
}

/** The bucket starts of [fromMs, toMs) in order, as epoch ms: the first is at or before fromMs. */
export function bucketStarts(fromMs: number, toMs: number, bucket: TimeBucket): number[] {
  const starts: number[] = [];
  for (let start = bucketStartOf(fromMs, bucket); start < toMs; start = nextBucketStart(start, bucket))
    starts.push(start);
  return starts;
}

/**
 * The bucket of a fact row in SQL that PostgreSQL and SQLite evaluate alike: a prefix of its ISO
 * `started_at` text (the day for DAY and WEEK, the month for MONTH and QUARTER, the year for YEAR),
 * so an index on started_at covers it. Several keys can fall in one bucket (the days of a week, the
 * months of a quarter): `startOf` maps a key to its bucket start and a report adds such keys up.
 */
export interface BucketKey {
  readonly sql: string;
  startOf(key: string): number;
}

export function bucketKey(bucket: TimeBucket, startedAt: string): BucketKey {
  const length = bucket === 'DAY' || bucket === 'WEEK' ? 10 : bucket === 'YEAR' ? 4 : 7;
  const rest = { 10: 'T00:00:00.000Z', 7: '-01T00:00:00.000Z', 4: '-01-01T00:00:00.000Z' }[length];
  const starts = new Map<string, number>();
  return {
    sql: `substr(${startedAt}, 1, ${length})`,
    startOf(key) {
      let start = starts.get(key);
      if (start === undefined) {
        const ms = Date.parse(`${key}${rest}`);
        if (Number.isNaN(ms)) throw new Error(`'${key}' is not a bucket key of ${bucket}.`);
        start = bucketStartOf(ms, bucket);
        starts.set(key, start);
      }
      return start;
    },
  };
}

/** Epoch ms as the contract's DateTime (ISO-8601 UTC with milliseconds). */
export function isoOfMs(ms: number): string {
  return new Date(ms).toISOString();
}
