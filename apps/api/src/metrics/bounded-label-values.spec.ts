import { BoundedLabelValues, OTHER_LABEL_VALUE } from './bounded-label-values';

describe('BoundedLabelValues', () => {
  const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

  it('takes values that match the pattern, up to the bound, and the same ones again after it', () => {
    const values = new BoundedLabelValues(2, identifier);
    expect(values.valueOf('IncidentPage')).toBe('IncidentPage');
    expect(values.valueOf('ReportIncident')).toBe('ReportIncident');
    expect(values.valueOf('Third')).toBe(OTHER_LABEL_VALUE);
    expect(values.valueOf('IncidentPage')).toBe('IncidentPage');
  });

  it('never takes a value outside the pattern, which does not use up the bound either', () => {
    const values = new BoundedLabelValues(1, identifier);
    for (const raw of ['', 'has space', 'x'.repeat(65), '1st', 'a{b="c"}', 'é', '(other)'])
      expect(values.valueOf(raw)).toBe(OTHER_LABEL_VALUE);
    expect(values.valueOf('Fine')).toBe('Fine');
  });
});
