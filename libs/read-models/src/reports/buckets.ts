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
 * The bucket of a fact row in SQL that PostgreSQL and SQLite evaluate alike, read from the columns an
 * index on the period covers. DAY and WEEK: the bucket's index, integer arithmetic on started_at_ms
 * (below), so a row per bucket and key comes back. MONTH, QUARTER and YEAR: a prefix of the ISO
 * `started_at` text (the month for MONTH and QUARTER, the year for YEAR), few keys a period; the
 * months of a quarter are one bucket, so several keys can fall in one bucket: `startOf` maps a key to
 * its bucket start and a report adds such keys up.
 */
export interface BucketKey {
  readonly sql: string;
  /** The bucket start (epoch ms) of a key the SQL gave (PostgreSQL hands a BIGINT over as text). */
  startOf(key: string | number): number;
}

/**
 * DAY and WEEK as `(started_at_ms + shift) / span`: integer division truncates toward zero, so the
 * shift makes the sum positive for every instant from 0000-01-01 on (a report period and the rows in
 * it never start earlier: see report-arguments.ts), and truncation is then the floor. DAY: 0000-01-01
 * is day -719,528. WEEK: 1970-01-01 was a Thursday, its ISO week starts 3 days earlier; 102,790 whole
 * weeks more reach back past year 0. Bucket `index` starts at index * span - shift.
 */
const DAY_SHIFT_MS = 719_528 * DAY_MS;
const WEEK_SHIFT_MS = 3 * DAY_MS + 102_790 * WEEK_MS;

export function bucketKey(
  bucket: TimeBucket,
  /** The row's started_at (ISO text) and started_at_ms (epoch ms) columns. */
  columns: { readonly startedAt: string; readonly startedAtMs: string },
): BucketKey {
  if (bucket === 'DAY' || bucket === 'WEEK') {
    const [span, shift] = bucket === 'DAY' ? [DAY_MS, DAY_SHIFT_MS] : [WEEK_MS, WEEK_SHIFT_MS];
    return {
      sql: `(${columns.startedAtMs} + ${shift}) / ${span}`,
      startOf: (key) => Number(key) * span - shift,
    };
  }
  const length = bucket === 'YEAR' ? 4 : 7;
  const rest = length === 4 ? '-01-01T00:00:00.000Z' : '-01T00:00:00.000Z';
  const starts = new Map<string, number>();
  return {
    sql: `substr(${columns.startedAt}, 1, ${length})`,
    startOf(key) {
      const text = String(key);
      let start = starts.get(text);
      if (start === undefined) {
        const ms = Date.parse(`${text}${rest}`);
        if (Number.isNaN(ms)) throw new Error(`'${text}' is not a bucket key of ${bucket}.`);
        start = bucketStartOf(ms, bucket);
        starts.set(text, start);
      }
      return start;
    },
  };
}

/**
 * isoOfMs for the points of one report: a report by a dimension repeats each bucket start once per
 * key (13,000 points of 53 weeks by SERVICE), so each is formatted once.
 */
export function bucketStartFormatter(): (ms: number) => string {
  const formatted = new Map<number, string>();
  return (ms) => {
    let iso = formatted.get(ms);
    if (iso === undefined) formatted.set(ms, (iso = isoOfMs(ms)));
    return iso;
  };
}

/** Epoch ms as the contract's DateTime (ISO-8601 UTC with milliseconds). */
export function isoOfMs(ms: number): string {
  return new Date(ms).toISOString();
}
