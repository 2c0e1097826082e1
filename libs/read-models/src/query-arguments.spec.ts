import {
  decodeKeysetCursor,
  encodeKeysetCursor,
  filterList,
  groupBy,
  InvalidQueryArgumentError,
  pageSize,
  timeArgument,
} from './query-arguments';

const position = { time: '2026-03-01T10:00:00.000Z', id: 'c0ffee00-0000-4000-8000-000000000001' };

describe('keyset cursors', () => {
  it('round-trip a sort key, as base64url with nothing to escape in a URL', () => {
    const cursor = encodeKeysetCursor('incidents', position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeysetCursor('incidents', cursor)).toEqual(position);
  });

  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  it.each([
    ['empty', ''],
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('incidents:1').toString('base64url')],
    ['another list', encodeKeysetCursor('action-items', position)],
    ['a time that is not canonical', encode(['incidents', '2026-03-01T10:00:00Z', 'x'])],
    ['a time that is no time', encode(['incidents', 'yesterday', 'x'])],
    ['an empty id', encode(['incidents', position.time, ''])],
    ['a number for an id', encode(['incidents', position.time, 7])],
    ['extra elements', encode(['incidents', position.time, 'x', 1])],
    ['an object', encode({ list: 'incidents' })],
    ['too long', 'A'.repeat(5000)],
  ])('reject %s, naming `after`', (_case, cursor) => {
    expect(() => decodeKeysetCursor('incidents', cursor)).toThrow(InvalidQueryArgumentError);
    expect(() => decodeKeysetCursor('incidents', cursor)).toThrow(
      /^Invalid after: must be a cursor this incidents list returned/,
    );
  });
});

describe('pageSize', () => {
  it('is 20 when absent and takes 0..100', () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(null)).toBe(20);
    expect(pageSize(0)).toBe(0);
    expect(pageSize(100)).toBe(100);
  });

  it.each([-1, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %p, naming `first` and the rule',
    (first) => {
      expect(() => pageSize(first)).toThrow('Invalid first: must be an integer from 0 to 100');
    },
  );
});

describe('filterList', () => {
  it('treats absent, null and empty alike: no constraint', () => {
    expect(filterList('filter.kinds', undefined)).toBeNull();
    expect(filterList('filter.kinds', null)).toBeNull();
    expect(filterList('filter.kinds', [])).toBeNull();
  });

  it('drops duplicates and checks values against the allowed ones', () => {
    expect(filterList('filter.kinds', ['A', 'B', 'A'], ['A', 'B'])).toEqual(['A', 'B']);
    expect(() => filterList('filter.kinds', ['A', 'C'], ['A', 'B'])).toThrow(
      "Invalid filter.kinds: 'C' is not one of A, B.",
    );
  });

  it('takes at most 100 values and no empty strings', () => {
    const values = Array.from({ length: 100 }, (_, i) => `svc-${i}`);
    expect(filterList('filter.services', values)).toHaveLength(100);
    expect(() => filterList('filter.services', [...values, 'one-more'])).toThrow(
      'Invalid filter.services: at most 100 values, got 101.',
    );
    expect(() => filterList('filter.services', [''])).toThrow(
      /^Invalid filter.services: values must be non-empty/,
    );
  });
});

describe('timeArgument', () => {
  it('normalises to the stored form and names the argument when it is no time', () => {
    expect(timeArgument('now', '2026-03-01T10:00:00Z')).toBe('2026-03-01T10:00:00.000Z');
    expect(timeArgument('now', new Date('2026-03-01T10:00:00Z'))).toBe('2026-03-01T10:00:00.000Z');
    expect(() => timeArgument('filter.startedFrom', 'soon')).toThrow(
      "Invalid filter.startedFrom: must be a date-time, got 'soon'.",
    );
  });
});

describe('groupBy', () => {
  it('gives every key a group, empty when no row has it, rows in their order', () => {
    const rows = [
      { k: 'a', n: 1 },
      { k: 'b', n: 2 },
      { k: 'a', n: 3 },
    ];
    expect(groupBy(['b', 'a', 'c'], rows, (row) => row.k)).toEqual(
      new Map([
        ['b', [{ k: 'b', n: 2 }]],
        [
          'a',
          [
            { k: 'a', n: 1 },
            { k: 'a', n: 3 },
          ],
        ],
        ['c', []],
      ]),
    );
  });
});
