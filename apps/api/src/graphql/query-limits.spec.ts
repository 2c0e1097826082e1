import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  buildSchema,
  getIntrospectionQuery,
  parse,
  specifiedRules,
  validate,
  type GraphQLError,
} from 'graphql';
import { operationCostError, PARSE_OPTIONS, QUERY_LIMIT_RULES, QUERY_LIMITS } from './query-limits';

const schema = buildSchema(readFileSync(resolve(__dirname, '../../../../schema.gql'), 'utf8'));
const RULES = [...specifiedRules, ...QUERY_LIMIT_RULES];

/** The validation errors of a document, and how long validation took. */
function check(query: string): { errors: readonly GraphQLError[]; ms: number } {
  const document = parse(query, PARSE_OPTIONS);
  const started = performance.now();
  const errors = validate(schema, document, RULES);
  return { errors, ms: performance.now() - started };
}

/**
 * Timed checks compare against a baseline validated in the same run, never against a fixed number
 * of milliseconds: on a shared 2-core CI machine everything ran twice as slow for a while, and a
 * fixed 20 ms limit failed although nothing had regressed. Each side is the least of five runs,
 * which leaves out a garbage collection or another process's burst.
 */
const leastOfFive = (query: string) => Math.min(...[0, 1, 2, 3, 4].map(() => check(query).ms));

/** What validating the introspection query costs on this machine now: a document of known, linear cost. */
const introspectionMs = () => leastOfFive(getIntrospectionQuery());

const codes = (errors: readonly GraphQLError[]) =>
  errors.map((e) => e.extensions.code ?? 'GRAPHQL_VALIDATION_FAILED');

/**
 * n fragments, each walking to the next twice: 2^n paths. With `twice: false` the second walk stops
 * at `id`: the same fields and tokens, but one path, the baseline a rule that follows paths misses.
 */
function doubling(n: number, twice = true): string {
  const next = (i: number) => (i + 1 < n ? `...F${i + 1}` : 'id');
  const fragments = Array.from(
    { length: n },
    (_, i) =>
      `fragment F${i} on Incident { a: actionItems { incident { ${next(i)} } } b: links { incident { ${twice ? next(i) : 'id'} } } }`,
  );
  return `query($id: ID!) { incident(id: $id) { ...F0 } } ${fragments.join(' ')}`;
}

describe('query limits', () => {
  it('refuses a document that expands to billions of fields as fast as one of a single path', () => {
    const { errors } = check(doubling(30));
    expect(codes(errors)).toContain('QUERY_TOO_COMPLEX');
    expect(errors.map((e) => e.message).join(' ')).toMatch(/fields once its fragments are expanded/);
    // Both take a few milliseconds here (about 7); a walker that followed the 2^30 paths would take
    // minutes, and one that followed even a few of them again would take a multiple of the baseline.
    const singlePath = leastOfFive(doubling(30, false));
    expect(leastOfFive(doubling(30))).toBeLessThan(4 * singlePath);
  });

  it('counts each fragment once: the same doubling with 3 levels (8 paths) passes validation', () => {
    expect(codes(check(doubling(3)).errors)).toEqual([]);
  });

  it('validates any document the parser lets through in a few milliseconds, rings of fragments included', () => {
    // Shapes that make graphql-js's own rules (OverlappingFieldsCanBeMerged above all) quadratic, as
    // large as the token limit allows; the first run of each warms the code up.
    const units = (tokensPerUnit: number) => Math.floor((QUERY_LIMITS.tokens - 20) / tokensPerUnit);
    const ring = units(11);
    const shapes = [
      `{ incidents { edges { node { ...R0 } } } } ${Array.from({ length: ring }, (_, i) => `fragment R${i} on Incident { id ...R${(i + 1) % ring} }`).join(' ')}`,
      `{ incidents { edges { node { ${'links { incident { id } } '.repeat(units(8))} } } } }`,
      `{ ${'__typename '.repeat(units(1))} }`,
    ];
    // Here the introspection query validates in 2-3 ms and the worst shape (the repeated `links`) in
    // 20-27 ms, 9-11 times as long; quadratic rules left unbounded would take seconds.
    for (const shape of shapes) {
      expect(() => parse(shape, PARSE_OPTIONS)).not.toThrow();
      const baseline = introspectionMs();
      expect(leastOfFive(shape)).toBeLessThan(25 * baseline);
    }
  });

  it(`refuses more than ${QUERY_LIMITS.rootFields} root fields, through fragments too`, () => {
    const fields = Array.from({ length: 21 }, (_, i) => `f${i}: __typename`);
    expect(codes(check(`{ ${fields.join(' ')} }`).errors)).toContain('QUERY_TOO_COMPLEX');
    expect(codes(check(`{ ...A } fragment A on Query { ${fields.join(' ')} }`).errors)).toContain(
      'QUERY_TOO_COMPLEX',
    );
    expect(codes(check(`{ ${fields.slice(0, 20).join(' ')} }`).errors)).toEqual([]);
  });

  it('stops the parser at the token limit', () => {
    expect(() => parse(`{ ${'__typename '.repeat(QUERY_LIMITS.tokens)} }`, PARSE_OPTIONS)).toThrow(/tokens/);
  });

  it('prices a page by its size, from a variable too, and the reports by their cost', () => {
    const page = parse('query($n: Int) { incidents(first: $n) { edges { node { findings { id kind } } } } }');
    expect(operationCostError(schema, page, { n: 100 }, undefined)).toBeNull();
    const nested = parse(
      'query($n: Int) { incidents(first: $n) { edges { node { actionItems { incident { findings { id } actionItems { id } } } } } } }',
    );
    expect(operationCostError(schema, nested, { n: 5 }, undefined)).toBeNull();
    expect(operationCostError(schema, nested, { n: 100 }, undefined)?.message).toMatch(
      /costs \d+, more than/,
    );
    const trends = (n: number) =>
      parse(
        `query($t: TrendInput!) { ${Array.from({ length: n }, (_, i) => `t${i}: incidentTrend(input: $t) { count }`).join(' ')} }`,
      );
    const t = { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z', bucket: 'WEEK' };
    expect(operationCostError(schema, trends(5), { t }, undefined)).toBeNull();
    expect(operationCostError(schema, trends(7), { t }, undefined)).not.toBeNull();
  });

  it('lets the whole introspection query through, and not two of it', () => {
    expect(operationCostError(schema, parse(getIntrospectionQuery()), {}, undefined)).toBeNull();
    const twice = getIntrospectionQuery().replace(
      'query IntrospectionQuery {',
      '{ twice: __schema { types { ...FullType } } ',
    );
    expect(operationCostError(schema, parse(twice), {}, undefined)).not.toBeNull();
  });
});
