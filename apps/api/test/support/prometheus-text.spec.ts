import { parsePrometheusText, valueOf } from './prometheus-text';

/** The test parser must refuse what Prometheus refuses, or the metrics test could pass on bad output. */
describe('parsePrometheusText', () => {
  const good = [
    '# HELP kb_requests_total Requests, with a \\\\ and a \\n in help.',
    '# TYPE kb_requests_total counter',
    'kb_requests_total{route="/a",quote="say \\"hi\\""} 3',
    'kb_requests_total{route="/b"} 1 1700000000000',
    '# TYPE kb_seconds histogram',
    'kb_seconds_bucket{le="0.1"} 1',
    'kb_seconds_bucket{le="+Inf"} 2',
    'kb_seconds_sum 0.35',
    'kb_seconds_count 2',
    'untyped_thing NaN',
    '',
  ].join('\n');

  it('reads families, labels with escapes, histograms and values', () => {
    const families = parsePrometheusText(good);
    expect(families.get('kb_requests_total')).toMatchObject({
      type: 'counter',
      help: 'Requests, with a \\ and a \n in help.',
    });
    expect(valueOf(families, 'kb_requests_total', { quote: 'say "hi"' })).toBe(3);
    expect(valueOf(families, 'kb_seconds_count')).toBe(2);
    expect(families.get('untyped_thing')?.type).toBe('untyped');
  });

  it.each([
    ['a sample before its TYPE', 'kb_x 1\n# TYPE kb_x gauge\n'],
    [
      'a family in two places',
      '# TYPE kb_x gauge\nkb_x{a="1"} 1\n# TYPE kb_y gauge\nkb_y 1\nkb_x{a="2"} 1\n',
    ],
    ['a series twice', '# TYPE kb_x gauge\nkb_x{a="1"} 1\nkb_x{a="1"} 2\n'],
    ['a bad escape', '# TYPE kb_x gauge\nkb_x{a="\\t"} 1\n'],
    ['an unterminated label value', '# TYPE kb_x gauge\nkb_x{a="1} 1\n'],
    ['a bad value', '# TYPE kb_x gauge\nkb_x 1,5\n'],
    ['a missing value', '# TYPE kb_x gauge\nkb_x{a="1"}\n'],
    ['a bad metric name', '# TYPE kb-x gauge\n'],
    ['an unknown type', '# TYPE kb_x meter\n'],
    ['a negative counter', '# TYPE kb_x counter\nkb_x -1\n'],
    ['no final line feed', '# TYPE kb_x gauge\nkb_x 1'],
    ['a histogram without +Inf', '# TYPE kb_h histogram\nkb_h_bucket{le="1"} 1\nkb_h_sum 1\nkb_h_count 1\n'],
    [
      'buckets that are not cumulative',
      '# TYPE kb_h histogram\nkb_h_bucket{le="1"} 2\nkb_h_bucket{le="+Inf"} 1\nkb_h_sum 1\nkb_h_count 1\n',
    ],
    ['+Inf unlike _count', '# TYPE kb_h histogram\nkb_h_bucket{le="+Inf"} 2\nkb_h_sum 1\nkb_h_count 1\n'],
    ['a stray sample in a histogram', '# TYPE kb_h histogram\nkb_h 1\n'],
  ])('refuses %s', (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
