/** The label value of everything a bounded label does not take: no accepted value can be written so. */
export const OTHER_LABEL_VALUE = '(other)';

/**
 * Label values that come from clients (GraphQL operation names), kept to a bounded set: a value is
 * taken when it matches `pattern` and is one of the first `max` distinct values seen; any other is
 * `(other)`. A flood of made-up names can fill the set once, never grow it, so the series a scrape
 * returns (and Prometheus stores) stay bounded.
 */
export class BoundedLabelValues {
  private readonly taken = new Set<string>();

  constructor(
    private readonly max: number,
    private readonly pattern: RegExp,
  ) {}

  valueOf(raw: string): string {
    if (this.taken.has(raw)) return raw;
    if (this.taken.size >= this.max || !this.pattern.test(raw)) return OTHER_LABEL_VALUE;
    this.taken.add(raw);
    return raw;
  }
}
