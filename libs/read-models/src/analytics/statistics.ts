import type { DurationStats } from './report-types';

/**
 * Percentile definition of the reports (for the API description): linear interpolation between the
 * closest ranks, as PostgreSQL percentile_cont, Excel PERCENTILE.INC and NumPy's default ("type 7").
 * With the n values sorted ascending as x[0..n-1], the p-th percentile is at position h = p * (n - 1):
 * x[floor(h)] + (h - floor(h)) * (x[floor(h) + 1] - x[floor(h)]). So the median (p = 0.5) is the
 * middle value, or the mean of the two middle values when n is even; p90 uses p = 0.9; with one value
 * every statistic is that value; with none they are null.
 *
 * Exact: p is a fraction k / d and durations are whole milliseconds, so the interpolated value and the
 * sum behind the mean are exact integers (scaled by d); the only rounding is the final division into
 * seconds. Same input, same double, whichever database the values came from.
 */

/** The p-th percentile (p = k / d, 0 <= k <= d) of integers sorted ascending, divided by `scale`. */
export function percentileOfSorted(
  sorted: ArrayLike<number>,
  k: number,
  d: number,
  scale = 1,
): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (!Number.isInteger(k) || !Number.isInteger(d) || d <= 0 || k < 0 || k > d)
    throw new Error(`percentile ${k}/${d} is not a fraction from 0 to 1.`);
  const rank = (n - 1) * k; // h = rank / d
  const low = Math.floor(rank / d);
  const remainder = rank - low * d;
  if (remainder === 0) return sorted[low] / scale;
  // x[low] + (remainder / d) * (x[low + 1] - x[low]), kept in integers until the one division.
  return (sorted[low] * d + (sorted[low + 1] - sorted[low]) * remainder) / (d * scale);
}

/** The arithmetic mean divided by `scale`: an exact integer sum, one division. Null for no values. */
export function meanOf(values: ArrayLike<number>, scale = 1): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return sum / (values.length * scale);
}

const MS_PER_SECOND = 1000;

/** The contract's DurationStats of durations given in whole milliseconds (any order), in seconds. */
export function durationStats(durations: ArrayLike<number>): DurationStats {
  // A typed array sorts numerically, natively (no comparator calls).
  const millis = Float64Array.from(durations).sort();
  return {
    count: millis.length,
    meanSeconds: meanOf(millis, MS_PER_SECOND),
    medianSeconds: percentileOfSorted(millis, 1, 2, MS_PER_SECOND),
    p90Seconds: percentileOfSorted(millis, 9, 10, MS_PER_SECOND),
  };
}
