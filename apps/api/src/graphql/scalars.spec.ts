import { DateTimeScalar } from './scalars';

describe('DateTime scalar', () => {
  it('serves every value as RFC 3339 in UTC with milliseconds', () => {
    expect(DateTimeScalar.serialize('2026-03-01T12:00:00.000Z')).toBe('2026-03-01T12:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-03-01T12:00:00Z')).toBe('2026-03-01T12:00:00.000Z');
    expect(DateTimeScalar.serialize('2026-03-01T13:30:00.5+01:00')).toBe('2026-03-01T12:30:00.500Z');
    expect(DateTimeScalar.serialize(new Date(Date.UTC(2026, 2, 1)))).toBe('2026-03-01T00:00:00.000Z');
    expect(() => DateTimeScalar.serialize(42)).toThrow(TypeError);
  });

  it('accepts RFC 3339 with a time zone and refuses the rest, naming the rule', () => {
    expect(DateTimeScalar.parseValue('2026-03-01T13:00:00+01:00')).toBe('2026-03-01T12:00:00.000Z');
    expect(() => DateTimeScalar.parseValue('2026-03-01 12:00')).toThrow(
      /RFC 3339 date-time with a time zone/,
    );
    expect(() => DateTimeScalar.parseValue(1_700_000_000)).toThrow(/must be a string/);
  });
});
