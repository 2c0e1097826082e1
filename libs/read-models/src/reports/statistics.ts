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

/**
 * The contract's DurationStats of durations given in whole milliseconds (any order), in seconds.
 *
 * The same figures as percentileOfSorted over the sorted durations, without sorting them: a
 * percentile needs only the values at two ranks, and a selection finds a rank in linear time (a
 * report computes these for every bucket, key and milestone, so sorting was most of its time).
 */
export function durationStats(durations: ArrayLike<number>): DurationStats {
  return millisStats(Float64Array.from(durations));
}

/** durationStats of durations already in a Float64Array of their own, which it rearranges. */
export function millisStats(millis: Float64Array): DurationStats {
  const n = millis.length;
  if (n === 0) return { count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null };
  const at = ranksOf(millis);
  return {
    count: n,
    meanSeconds: meanOf(millis, MS_PER_SECOND),
    medianSeconds: percentileAtRanks(n, 1, 2, MS_PER_SECOND, at),
    p90Seconds: percentileAtRanks(n, 9, 10, MS_PER_SECOND, at),
  };
}

/** percentileOfSorted with the value at a rank from `at` (n > 0; k / d checked by the caller). */
function percentileAtRanks(n: number, k: number, d: number, scale: number, at: (rank: number) => number) {
  const rank = (n - 1) * k; // h = rank / d
  const low = Math.floor(rank / d);
  const remainder = rank - low * d;
  if (remainder === 0) return at(low) / scale;
  const x = at(low);
  return (x * d + (at(low + 1) - x) * remainder) / (d * scale);
}

/**
 * The value of each rank (0-based, in ascending order) of `values`, asked for in non-decreasing rank
 * order: each answer is a selection among the values above the last rank answered, which are then
 * in place (everything before them is smaller or equal). Rearranges `values`.
 */
function ranksOf(values: Float64Array): (rank: number) => number {
  // The last rank answered: values[settled + 1..] are all greater than or equal to values[0..settled].
  let settled = -1;
  const answered = new Set<number>();
  return (rank) => {
    if (rank <= settled) {
      if (!answered.has(rank)) throw new Error(`rank ${rank} asked for after rank ${settled}.`);
      return values[rank];
    }
    // The next rank is the least of the values not placed yet (the upper of two middle values, say):
    // a scan for it, where a selection would partition them all.
    if (rank === settled + 1) placeLeast(values, rank);
    else select(values, rank, settled + 1, values.length - 1);
    settled = rank;
    answered.add(rank);
    return values[rank];
  };
}

/** Swaps the least of values[from..] into values[from]. */
function placeLeast(values: Float64Array, from: number): void {
  let least = from;
  for (let i = from + 1; i < values.length; i++) if (values[i] < values[least]) least = i;
  const swap = values[from];
  values[from] = values[least];
  values[least] = swap;
}

/**
 * Hoare's selection: rearranges values[left..right] so values[k] is the value of sorted rank k within
 * it, with nothing greater before it and nothing smaller after it.
 */
function select(values: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    const pivot = values[(left + right) >>> 1];
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const swap = values[i];
        values[i] = values[j];
        values[j] = swap;
        i++;
        j--;
      }
    }
    // values[left..j] <= pivot <= values[i..right], and values[j+1..i-1] are the pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}
