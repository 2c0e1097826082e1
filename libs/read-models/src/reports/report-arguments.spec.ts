import { InvalidQueryArgumentError } from '../query-arguments';
import { checkLearningInput, checkPeriodInput, checkTrendInput, reportTime } from './report-arguments';
import type { LearningInput, TrendInput } from './report-types';

const trend = (fields: Partial<Record<keyof TrendInput, unknown>> = {}) =>
  ({
    from: '2026-01-01T00:00:00Z',
    to: '2027-01-01T00:00:00Z',
    bucket: 'WEEK',
    groupBy: 'SERVICE',
    ...fields,
  }) as TrendInput;

function errorOf(run: () => unknown): InvalidQueryArgumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidQueryArgumentError);
    return error as InvalidQueryArgumentError;
  }
  throw new Error('no error thrown');
}

describe('reportTime', () => {
  it.each([
    ['2026-03-01T12:00:00Z', '2026-03-01T12:00:00.000Z'],
    ['2026-03-01T12:00:00.5Z', '2026-03-01T12:00:00.500Z'],
    ['2026-03-01t12:00:00.123456789z', '2026-03-01T12:00:00.123Z'],
    ['2026-03-01T12:00:00+02:00', '2026-03-01T10:00:00.000Z'],
    ['2026-03-01T00:30:00-05:30', '2026-03-01T06:00:00.000Z'],
    ['2024-02-29T23:00:00-01:00', '2024-03-01T00:00:00.000Z'],
    ['0050-01-01T00:00:00Z', '0050-01-01T00:00:00.000Z'],
  ])('takes %s as %s', (value, expected) => {
    expect(reportTime('input.from', value)).toBe(expected);
  });

  it.each([
    ['no zone', '2026-03-01T12:00:00'],
    ['a date only', '2026-03-01'],
    ['February 30', '2026-02-30T00:00:00Z'],
    ['February 29 of a common year', '2025-02-29T00:00:00Z'],
    ['hour 24', '2026-03-01T24:00:00Z'],
    ['a leap second', '2026-12-31T23:59:60Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['an offset without a colon', '2026-03-01T12:00:00+0200'],
    ['words', 'yesterday'],
    ['empty', ''],
  ])('rejects %s', (_, value) => {
    const error = errorOf(() => reportTime('input.from', value));
    expect(error.argument).toBe('input.from');
    expect(error.message).toContain('must be an RFC 3339 date-time with a time zone');
  });

  it('rejects what is not a string, and takes a valid Date', () => {
    expect(errorOf(() => reportTime('input.to', 1767225600000)).message).toContain('got a number');
    expect(reportTime('input.to', new Date('2026-03-01T00:00:00Z'))).toBe('2026-03-01T00:00:00.000Z');
  });
});

describe('checkTrendInput', () => {
  it('returns the period in UTC with milliseconds, the bucket, the dimension and the filter', () => {
    expect(
      checkTrendInput(
        trend({ from: '2026-01-01T01:00:00+01:00', filter: { kinds: [], services: ['api', 'api'] } }),
      ),
    ).toEqual({
      from: '2026-01-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
      fromMs: Date.parse('2026-01-01T00:00:00.000Z'),
      toMs: Date.parse('2027-01-01T00:00:00.000Z'),
      bucket: 'WEEK',
      groupBy: 'SERVICE',
      filter: {
        kinds: null,
        severities: null,
        statuses: null,
        services: ['api'],
        tags: null,
        detectionSources: null,
        factorCategories: null,
        startedFrom: null,
        startedTo: null,
      },
    });
  });

  it('reads an absent or null groupBy as NONE', () => {
    expect(checkTrendInput(trend({ groupBy: undefined })).groupBy).toBe('NONE');
    expect(checkTrendInput(trend({ groupBy: null })).groupBy).toBe('NONE');
  });

  it.each<[string, Partial<Record<keyof TrendInput, unknown>>, string, string]>([
    ['from = to', { to: '2026-01-01T00:00:00Z' }, 'input.to', 'must be after input.from'],
    ['from after to', { to: '2025-12-31T23:59:59Z' }, 'input.to', 'must be after input.from'],
    [
      'over 10 years by DAY',
      { from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00.001Z', bucket: 'DAY' },
      'input.to',
      'a report period spans at most 10 years (to <= 2026-01-01T00:00:00.000Z',
    ],
    [
      'over 10 years by YEAR',
      { from: '2000-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'YEAR' },
      'input.to',
      'at most 10 years',
    ],
    [
      'an unknown bucket',
      { bucket: 'HOUR' },
      'input.bucket',
      'must be one of DAY, WEEK, MONTH, QUARTER, YEAR',
    ],
    ['an unknown dimension', { groupBy: 'COLOUR' }, 'input.groupBy', 'must be one of NONE, SERVICE'],
    ['a from that does not parse', { from: '2026-02-30T00:00:00Z' }, 'input.from', 'RFC 3339'],
    ['a to that does not parse', { to: 'next year' }, 'input.to', 'RFC 3339'],
    ['an unknown kind', { filter: { kinds: ['OUTAGE'] } }, 'input.filter.kinds', "'OUTAGE' is not one of"],
    [
      'a filter time that does not parse',
      { filter: { startedFrom: '2026-01-01' } },
      'input.filter.startedFrom',
      'RFC 3339',
    ],
  ])('rejects %s', (_, fields, argument, rule) => {
    const error = errorOf(() => checkTrendInput(trend(fields)));
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(rule);
  });

  it('takes exactly 10 years by DAY (3,653 buckets, within the 5,000 limit), leap day to leap day + 10 years', () => {
    expect(
      checkTrendInput(trend({ from: '2016-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'DAY' })),
    ).toMatchObject({ bucket: 'DAY' });
    // 2024-02-29 + 10 years is 2034-03-01 (no February 29 in 2034).
    expect(checkPeriodInput({ from: '2024-02-29T00:00:00Z', to: '2034-03-01T00:00:00Z' }).to).toBe(
      '2034-03-01T00:00:00.000Z',
    );
    expect(
      errorOf(() => checkPeriodInput({ from: '2024-02-29T00:00:00Z', to: '2034-03-01T00:00:00.001Z' }))
        .argument,
    ).toBe('input.to');
  });
});

describe('checkLearningInput', () => {
  const input = (fields: Partial<Record<keyof LearningInput, unknown>> = {}) =>
    ({ ...trend({ groupBy: undefined }), asOf: '2026-06-01T12:00:00+02:00', ...fields }) as LearningInput;

  it('takes the trend rules, groupBy NONE by default and asOf in UTC with its epoch ms', () => {
    expect(checkLearningInput(input())).toMatchObject({
      from: '2026-01-01T00:00:00.000Z',
      bucket: 'WEEK',
      groupBy: 'NONE',
      asOf: '2026-06-01T10:00:00.000Z',
      asOfMs: Date.parse('2026-06-01T10:00:00.000Z'),
    });
    expect(checkLearningInput(input({ groupBy: 'KIND' })).groupBy).toBe('KIND');
  });

  it.each([
    [{ groupBy: 'TAG' }, 'input.groupBy', 'must be one of NONE, SERVICE, SEVERITY, KIND'],
    [{ groupBy: 'DETECTION_SOURCE' }, 'input.groupBy', 'must be one of NONE, SERVICE, SEVERITY, KIND'],
    [{ asOf: '2026-06-01' }, 'input.asOf', 'RFC 3339 date-time with a time zone'],
    [{ asOf: undefined }, 'input.asOf', 'got nothing'],
    [{ to: '2026-01-01T00:00:00Z' }, 'input.to', 'must be after input.from'],
    [{ to: '2036-01-01T00:00:00.001Z' }, 'input.to', 'at most 10 years'],
    [{ bucket: 'HOUR' }, 'input.bucket', 'must be one of DAY, WEEK, MONTH, QUARTER, YEAR'],
  ])('rejects %j: %s %s', (fields, argument, rule) => {
    const error = errorOf(() => checkLearningInput(input(fields)));
    expect(error.argument).toBe(argument);
    expect(error.message).toContain(rule);
  });
});
