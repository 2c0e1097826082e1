import {
  MAX_QUERY_TERMS,
  MAX_TERM_LENGTH,
  parseSearchQuery,
  toFts5Match,
  toTsQuery,
} from './search-query.parser';

describe('parseSearchQuery', () => {
  it('keeps the words, lower-cased, without repeats', () => {
    expect(parseSearchQuery('Checkout errors after CONFIG push, checkout')).toEqual([
      'checkout',
      'errors',
      'after',
      'config',
      'push',
    ]);
  });

  it('keeps letters and digits of any script', () => {
    expect(parseSearchQuery('Café Größe 東京 deploy-4711 ünïcödé')).toEqual([
      'café',
      'größe',
      '東京',
      'deploy',
      '4711',
      'ünïcödé',
    ]);
  });

  it('joins a letter and its combining mark into one word', () => {
    expect(parseSearchQuery('cafe\u0301 x')).toEqual(['café', 'x']);
  });

  it.each([
    ["'; DROP TABLE x; --", ['drop', 'table', 'x']],
    ['"unbalanced quote', ['unbalanced', 'quote']],
    ['NEAR(pool limit, 3)', ['near', 'pool', 'limit', '3']],
    ['pool* AND OR NOT config', ['pool', 'and', 'or', 'not', 'config']],
    ['title:checkout body:(pool)', ['title', 'checkout', 'body', 'pool']],
    ["a & b | !c <-> 'd':*", ['a', 'b', 'c', 'd']],
    ['(((', []],
    ['', []],
    ['   \t\n ', []],
    ['\u0000\uE000\uE001', []],
  ])('takes %j as plain words', (text, terms) => {
    expect(parseSearchQuery(text)).toEqual(terms);
  });

  it('ignores what is not a string', () => {
    expect(parseSearchQuery(undefined)).toEqual([]);
    expect(parseSearchQuery(42)).toEqual([]);
  });

  it('caps the number of terms, the length of a term and of the text', () => {
    const many = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(parseSearchQuery(many)).toHaveLength(MAX_QUERY_TERMS);
    expect(parseSearchQuery('a'.repeat(200))).toEqual(['a'.repeat(MAX_TERM_LENGTH)]);
    expect(parseSearchQuery(`${'x'.repeat(499)} tail`)).toEqual(['x'.repeat(MAX_TERM_LENGTH)]);
  });
});

describe('toFts5Match', () => {
  it('quotes every term and lets the last match as a prefix', () => {
    expect(toFts5Match(['near', 'and', 'pool'])).toBe('"near" "and" "pool"*');
  });

  it('doubles a double quote should one ever reach it', () => {
    expect(toFts5Match(['a"b'])).toBe('"a""b"*');
  });
});

describe('toTsQuery', () => {
  it('quotes every term, joins them by & and lets the last match as a prefix', () => {
    expect(toTsQuery(['pool', 'limit'])).toBe("'pool' & 'limit':*");
  });

  it('doubles quotes and backslashes should one ever reach it', () => {
    expect(toTsQuery(["o'k\\"])).toBe("'o''k\\\\':*");
  });
});
