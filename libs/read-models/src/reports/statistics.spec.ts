import { seededRandom } from '../testing/incident-fact-rows.fixture';
import { durationStats, meanOf, percentileOfSorted } from './statistics';

const seconds = (...values: number[]) => values.map((s) => Math.round(s * 1000));

describe('durationStats (seconds from whole milliseconds)', () => {
  it('is count 0 and nulls for no durations', () => {
    expect(durationStats([])).toEqual({ count: 0, meanSeconds: null, medianSeconds: null, p90Seconds: null });
  });

  it('is the value itself for one duration', () => {
    expect(durationStats(seconds(42.5))).toEqual({
      count: 1,
      meanSeconds: 42.5,
      medianSeconds: 42.5,
      p90Seconds: 42.5,
    });
  });

  it('odd count, given unsorted: 60, 120, 300, 600, 3600', () => {
    // mean = 4680 / 5 = 936. median: h = 0.5 * 4 = 2 -> x[2] = 300.
    // p90: h = 0.9 * 4 = 3.6 -> x[3] + 0.6 * (x[4] - x[3]) = 600 + 0.6 * 3000 = 2400.
    expect(durationStats(seconds(3600, 60, 600, 120, 300))).toEqual({
      count: 5,
      meanSeconds: 936,
      medianSeconds: 300,
      p90Seconds: 2400,
    });
  });

  it('even count: 10, 20, 30, 40', () => {
    // mean 25. median: h = 1.5 -> 20 + 0.5 * 10 = 25. p90: h = 2.7 -> 30 + 0.7 * 10 = 37.
    expect(durationStats(seconds(40, 10, 30, 20))).toEqual({
      count: 4,
      meanSeconds: 25,
      medianSeconds: 25,
      p90Seconds: 37,
    });
  });

  it('two values: median halfway, p90 nine tenths of the way', () => {
    // h(median) = 0.5 -> 100 + 0.5 * 900 = 550; h(p90) = 0.9 -> 100 + 0.9 * 900 = 910.
    expect(durationStats(seconds(1000, 100))).toEqual({
      count: 2,
      meanSeconds: 550,
      medianSeconds: 550,
      p90Seconds: 910,
    });
  });

  it('ties: 5, 5, 5, 5, 5, 5, 5, 5, 5, 100 (ten values)', () => {
    // mean = 145 / 10 = 14.5. median: h = 4.5 -> 5. p90: h = 8.1 -> 5 + 0.1 * 95 = 14.5.
    expect(durationStats(seconds(5, 5, 5, 100, 5, 5, 5, 5, 5, 5))).toEqual({
      count: 10,
      meanSeconds: 14.5,
      medianSeconds: 5,
      p90Seconds: 14.5,
    });
  });

  it('eleven values 0..10 s: p90 lands on a rank exactly', () => {
    // h(p90) = 0.9 * 10 = 9 -> x[9] = 9; median x[5] = 5; mean 5.
    expect(durationStats(seconds(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10))).toEqual({
      count: 11,
      meanSeconds: 5,
      medianSeconds: 5,
      p90Seconds: 9,
    });
  });

  it('milliseconds and fractions without drift: 0.001 s, 0.002 s, 0.004 s', () => {
    // mean = 7 ms / 3; median 2 ms; p90: h = 1.8 -> 2 + 0.8 * 2 = 3.6 ms.
    expect(durationStats([4, 1, 2])).toEqual({
      count: 3,
      meanSeconds: 7 / 3000,
      medianSeconds: 0.002,
      p90Seconds: 0.0036,
    });
    // p90 of 0.3 s and 0.7 s: 0.3 + 0.9 * 0.4 is 0.6599999999999999 in floating point; in integers it is 0.66.
    expect(durationStats([300, 700]).p90Seconds).toBe(0.66);
  });

  it('14 values 1..14 s: p90 at h = 11.7 (0.9 * 13 in floating point is 11.700000000000001)', () => {
    // x[11] + 0.7 * (x[12] - x[11]) = 12 + 0.7 = 12.7.
    const values = Array.from({ length: 14 }, (_, i) => (i + 1) * 1000);
    expect(durationStats(values).p90Seconds).toBe(12.7);
  });
});

describe('percentileOfSorted and meanOf', () => {
  it('takes the minimum at p = 0 and the maximum at p = 1', () => {
    expect(percentileOfSorted([1, 2, 9], 0, 1)).toBe(1);
    expect(percentileOfSorted([1, 2, 9], 1, 1)).toBe(9);
  });

  it('rejects a p outside 0..1', () => {
    expect(() => percentileOfSorted([1], 11, 10)).toThrow('not a fraction');
  });

  it('is null for no values', () => {
    expect(percentileOfSorted([], 1, 2)).toBeNull();
    expect(meanOf([])).toBeNull();
  });
});

describe('durationStats by selection', () => {
  it('gives the figures of percentileOfSorted over the sorted durations (random sizes, many ties)', () => {
    const random = seededRandom(20261129);
    for (let run = 0; run < 3000; run++) {
      const n = Math.floor(random() * (run % 10 === 0 ? 2000 : 40));
      const spread = [1, 3, 1000, 3_600_000][run % 4];
      const durations = Array.from(
        { length: n },
        () => Math.floor(random() * spread) - (run % 7 === 0 ? 50 : 0),
      );
      const sorted = Float64Array.from(durations).sort();
      expect(durationStats(durations)).toEqual({
        count: n,
        meanSeconds: meanOf(sorted, 1000),
        medianSeconds: percentileOfSorted(sorted, 1, 2, 1000),
        p90Seconds: percentileOfSorted(sorted, 9, 10, 1000),
      });
    }
  });

  it('leaves its input as it was', () => {
    const durations = [5, 3, 9, 1, 7];
    durationStats(durations);
    expect(durations).toEqual([5, 3, 9, 1, 7]);
  });
});
