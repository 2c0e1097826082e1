import { bucketKey, bucketStartOf, bucketStarts, countBuckets, isoOfMs, nextBucketStart } from './buckets';
import type { TimeBucket } from './report-types';

const ms = (iso: string) => Date.parse(iso);
const starts = (from: string, to: string, bucket: TimeBucket) =>
  bucketStarts(ms(from), ms(to), bucket).map(isoOfMs);
const startOf = (at: string, bucket: TimeBucket) => isoOfMs(bucketStartOf(ms(at), bucket));

describe('bucketStartOf (UTC)', () => {
  it.each<[string, TimeBucket, string]>([
    ['2026-03-04T17:30:00.000Z', 'DAY', '2026-03-04T00:00:00.000Z'],
    ['2026-03-04T00:00:00.000Z', 'DAY', '2026-03-04T00:00:00.000Z'],
    // Wednesday -> Monday of the same ISO week; a Monday is its own week start; Sunday belongs to the week before.
    ['2026-03-04T17:30:00.000Z', 'WEEK', '2026-03-02T00:00:00.000Z'],
    ['2026-03-02T00:00:00.000Z', 'WEEK', '2026-03-02T00:00:00.000Z'],
    ['2026-03-08T23:59:59.999Z', 'WEEK', '2026-03-02T00:00:00.000Z'],
    // ISO weeks across year ends: 2021-01-01 (Friday) is in 2020-W53, which starts on Monday 2020-12-28;
    // 2024-12-31 (Tuesday) is in 2025-W01, which starts on Monday 2024-12-30.
    ['2021-01-01T08:00:00.000Z', 'WEEK', '2020-12-28T00:00:00.000Z'],
    ['2021-01-03T23:59:59.999Z', 'WEEK', '2020-12-28T00:00:00.000Z'],
    ['2021-01-04T00:00:00.000Z', 'WEEK', '2021-01-04T00:00:00.000Z'],
    ['2024-12-31T12:00:00.000Z', 'WEEK', '2024-12-30T00:00:00.000Z'],
    ['2025-01-05T12:00:00.000Z', 'WEEK', '2024-12-30T00:00:00.000Z'],
    // Before the epoch (1970-01-01 was a Thursday).
    ['1970-01-01T00:00:00.000Z', 'WEEK', '1969-12-29T00:00:00.000Z'],
    ['1969-12-28T10:00:00.000Z', 'WEEK', '1969-12-22T00:00:00.000Z'],
    ['2024-02-29T23:00:00.000Z', 'MONTH', '2024-02-01T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 'MONTH', '2026-03-01T00:00:00.000Z'],
    ['2026-03-31T23:59:59.999Z', 'QUARTER', '2026-01-01T00:00:00.000Z'],
    ['2026-04-01T00:00:00.000Z', 'QUARTER', '2026-04-01T00:00:00.000Z'],
    ['2026-09-30T23:59:59.999Z', 'QUARTER', '2026-07-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 'QUARTER', '2026-10-01T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 'YEAR', '2026-01-01T00:00:00.000Z'],
    // Years below 100 are years, not 1900 + year.
    ['0050-06-01T00:00:00.000Z', 'YEAR', '0050-01-01T00:00:00.000Z'],
  ])('%s by %s starts at %s', (at, bucket, expected) => {
    expect(startOf(at, bucket)).toBe(expected);
  });
});

describe('bucketStarts of a half-open period', () => {
  it('starts with the bucket containing `from` and ends with the one containing the instant before `to`', () => {
    expect(starts('2026-03-04T12:00:00.000Z', '2026-03-07T00:00:00.000Z', 'DAY')).toEqual([
      '2026-03-04T00:00:00.000Z',
      '2026-03-05T00:00:00.000Z',
      '2026-03-06T00:00:00.000Z',
    ]);
    expect(starts('2026-03-04T12:00:00.000Z', '2026-03-07T00:00:00.001Z', 'DAY')).toHaveLength(4);
  });

  it('by ISO week across a year end with a 53-week year (2020)', () => {
    expect(starts('2020-12-20T00:00:00.000Z', '2021-01-12T00:00:00.000Z', 'WEEK')).toEqual([
      '2020-12-14T00:00:00.000Z',
      '2020-12-21T00:00:00.000Z',
      '2020-12-28T00:00:00.000Z',
      '2021-01-04T00:00:00.000Z',
      '2021-01-11T00:00:00.000Z',
    ]);
    // ISO years 2020 has 53 weeks: 2019-12-30 .. 2021-01-03.
    expect(countBuckets(ms('2019-12-30T00:00:00.000Z'), ms('2021-01-04T00:00:00.000Z'), 'WEEK')).toBe(53);
    expect(countBuckets(ms('2021-01-04T00:00:00.000Z'), ms('2022-01-03T00:00:00.000Z'), 'WEEK')).toBe(52);
  });

  it('by month through February of a leap year and of a common year', () => {
    expect(starts('2024-01-31T00:00:00.000Z', '2024-03-01T00:00:00.000Z', 'MONTH')).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2024-02-01T00:00:00.000Z',
    ]);
    expect(nextBucketStart(ms('2024-02-01T00:00:00.000Z'), 'MONTH')).toBe(ms('2024-03-01T00:00:00.000Z'));
    // Leap day by DAY: 2024 has 366 days, 2023 has 365, 2100 is not a leap year.
    expect(countBuckets(ms('2024-01-01T00:00:00.000Z'), ms('2025-01-01T00:00:00.000Z'), 'DAY')).toBe(366);
    expect(countBuckets(ms('2023-01-01T00:00:00.000Z'), ms('2024-01-01T00:00:00.000Z'), 'DAY')).toBe(365);
    expect(countBuckets(ms('2100-02-01T00:00:00.000Z'), ms('2100-03-01T00:00:00.000Z'), 'DAY')).toBe(28);
    expect(starts('2024-02-28T00:00:00.000Z', '2024-03-02T00:00:00.000Z', 'DAY')).toEqual([
      '2024-02-28T00:00:00.000Z',
      '2024-02-29T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
    ]);
  });

  it('by quarter and by year', () => {
    expect(starts('2025-11-15T00:00:00.000Z', '2026-07-01T00:00:00.000Z', 'QUARTER')).toEqual([
      '2025-10-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(starts('2024-02-29T00:00:00.000Z', '2026-01-01T00:00:00.001Z', 'YEAR')).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.000Z',
    ]);
  });

  it('is empty for an empty period, and countBuckets stops past its limit', () => {
    expect(starts('2026-03-04T00:00:00.000Z', '2026-03-04T00:00:00.000Z', 'DAY')).toEqual([]);
    expect(countBuckets(0, ms('9999-01-01T00:00:00.000Z'), 'DAY', 5000)).toBe(5001);
  });
});

describe('bucketKey', () => {
  const columns = { startedAt: 'f.started_at', startedAtMs: 'f.started_at_ms' };

  it('is a prefix of started_at in SQL for MONTH, QUARTER and YEAR, mapped back to the start of its bucket', () => {
    expect(bucketKey('MONTH', columns).sql).toBe('substr(f.started_at, 1, 7)');
    expect(bucketKey('QUARTER', { startedAt: 'g.started_at', startedAtMs: 'g.started_at_ms' }).sql).toBe(
      'substr(g.started_at, 1, 7)',
    );
    expect(bucketKey('YEAR', columns).sql).toBe('substr(f.started_at, 1, 4)');
    const start = (bucket: TimeBucket, key: string) => isoOfMs(bucketKey(bucket, columns).startOf(key));
    expect(start('MONTH', '2026-02')).toBe('2026-02-01T00:00:00.000Z');
    expect(start('QUARTER', '2026-06')).toBe('2026-04-01T00:00:00.000Z');
    expect(start('YEAR', '0050')).toBe('0050-01-01T00:00:00.000Z');
    expect(() => bucketKey('MONTH', columns).startOf('2026-13')).toThrow('not a bucket key');
  });

  it('is integer arithmetic on started_at_ms for DAY and WEEK whose index maps back to the bucket start', () => {
    for (const bucket of ['DAY', 'WEEK'] as const) {
      const key = bucketKey(bucket, columns);
      const match = /^\(f\.started_at_ms \+ (\d+)\) \/ (\d+)$/.exec(key.sql);
      expect(match).not.toBeNull();
      const [shift, span] = [Number(match![1]), Number(match![2])];
      // What either database computes: a BIGINT sum, then integer division truncating toward zero.
      const index = (ms: number) => {
        expect(ms + shift).toBeGreaterThanOrEqual(0);
        return Math.trunc((ms + shift) / span);
      };
      for (const at of [
        '0000-01-01T00:00:00.000Z',
        '0000-01-03T00:00:00.000Z', // the first Monday of year 0
        '0000-01-02T23:59:59.999Z',
        '1969-12-28T23:59:59.999Z',
        '1969-12-29T00:00:00.000Z',
        '1970-01-01T00:00:00.000Z',
        '2021-01-03T12:00:00.000Z',
        '2024-02-29T00:00:00.000Z',
        '2026-03-01T23:59:59.999Z',
        '2026-03-02T00:00:00.000Z',
        '9999-12-31T23:59:59.999Z',
      ]) {
        const ms = Date.parse(at);
        expect([bucket, at, isoOfMs(key.startOf(index(ms)))]).toEqual([
          bucket,
          at,
          isoOfMs(bucketStartOf(ms, bucket)),
        ]);
        // PostgreSQL hands the BIGINT index over as text.
        expect(key.startOf(String(index(ms)))).toBe(bucketStartOf(ms, bucket));
      }
    }
  });
});
