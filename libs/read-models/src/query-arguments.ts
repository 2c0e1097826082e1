import type { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Shared by the list queries and batch loaders: what they run on, how they check their arguments,
 * their keyset cursors and the Relay-shaped page they return.
 */

/** A query runs on the data source or on a manager (e.g. inside a transaction). */
export type ReadModelQueryable = DataSource | EntityManager;

export function managerOf(queryable: ReadModelQueryable): EntityManager {
  return 'manager' in queryable ? queryable.manager : queryable;
}

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Values per list in a filter (`kinds`, `services`, …). */
export const MAX_FILTER_VALUES = 100;
const MAX_CURSOR_LENGTH = 1024;
const MAX_FILTER_STRING_LENGTH = 500;

/**
 * An argument the caller got wrong: `argument` names it (`first`, `after`, `filter.kinds`), the
 * message says the rule. The GraphQL layer turns it into BAD_USER_INPUT.
 */
export class InvalidQueryArgumentError extends Error {
  constructor(
    readonly argument: string,
    rule: string,
  ) {
    super(`Invalid ${argument}: ${rule}`);
    this.name = 'InvalidQueryArgumentError';
  }
}

/** One page of a cursor connection, shaped as the Relay spec (and the contract) has it. */
export interface Connection<T> {
  readonly edges: ReadonlyArray<{ readonly cursor: string; readonly node: T }>;
  readonly pageInfo: { readonly hasNextPage: boolean; readonly endCursor: string | null };
  /** Rows matching the filter, on every page alike (the cursor does not change it). */
  readonly totalCount: number;
}

/** `first`: an integer 0..100; absent means 20. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE)
    throw new InvalidQueryArgumentError(
      'first',
      `must be an integer from 0 to ${MAX_PAGE_SIZE}, got ${String(first)}.`,
    );
  return first;
}

/** The sort key of a row in a list ordered by (time DESC, id DESC). */
export interface KeysetPosition {
  readonly time: string;
  readonly id: string;
}

/**
 * Opaque cursor: base64url of `["<list>", "<time>", "<id>"]`, the sort key of the row it follows.
 * Keyset, not offset: a cursor keeps its place however many rows are added or removed before it.
 * The list name keeps a cursor of one list from being taken by another.
 */
export function encodeKeysetCursor(list: string, position: KeysetPosition): string {
  return Buffer.from(JSON.stringify([list, position.time, position.id]), 'utf8').toString('base64url');
}

export function decodeKeysetCursor(
  list: string,
  cursor: string,
  validKey: (key: string) => boolean = isCanonicalTime,
): KeysetPosition {
  const invalid = () =>
    new InvalidQueryArgumentError(
      'after',
      `must be a cursor this ${list} list returned (endCursor or an edge's cursor).`,
    );
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== 3 || decoded[0] !== list) throw invalid();
  const [, time, id] = decoded as unknown[];
  if (typeof time !== 'string' || !validKey(time)) throw invalid();
  if (typeof id !== 'string' || id.length === 0) throw invalid();
  return { time, id };
}

function isCanonicalTime(value: string): boolean {
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString() === value;
}

/** A DateTime argument as the stored form (ISO-8601 UTC with milliseconds), or a clear error. */
export function timeArgument(argument: string, value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (!(date instanceof Date) || Number.isNaN(date.getTime()))
    throw new InvalidQueryArgumentError(argument, `must be a date-time, got '${String(value)}'.`);
  return date.toISOString();
}

/**
 * A list in a filter. Absent, null or EMPTY means "no constraint on this field" (an empty list is what
 * a form with nothing ticked sends; matching nothing would surprise). At most MAX_FILTER_VALUES values;
 * with `allowed`, each must be one of them. Duplicates are dropped.
 */
export function filterList<T extends string>(
  argument: string,
  values: readonly T[] | null | undefined,
  allowed?: readonly T[],
): T[] | null {
  if (values === null || values === undefined || values.length === 0) return null;
  const list: unknown = values;
  if (!Array.isArray(list)) throw new InvalidQueryArgumentError(argument, 'must be a list.');
  if (values.length > MAX_FILTER_VALUES)
    throw new InvalidQueryArgumentError(
      argument,
      `at most ${MAX_FILTER_VALUES} values, got ${values.length}.`,
    );
  for (const value of values) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_FILTER_STRING_LENGTH)
      throw new InvalidQueryArgumentError(
        argument,
        `values must be non-empty strings of at most ${MAX_FILTER_STRING_LENGTH} characters.`,
      );
    if (allowed && !(allowed as readonly string[]).includes(value))
      throw new InvalidQueryArgumentError(argument, `'${value}' is not one of ${allowed.join(', ')}.`);
  }
  return [...new Set(values)];
}

/**
 * Rows after the cursor and one more (to tell hasNextPage), ordered by (time DESC, id DESC): the
 * columns must be compared byte-wise (SQLite BINARY, PostgreSQL COLLATE "C"), as every read-model
 * text column is.
 */
export async function keysetPage<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  columns: { readonly time: string; readonly id: string },
  list: string,
  positionOf: (row: T) => KeysetPosition,
  args: { readonly first?: number | null; readonly after?: string | null },
  /** What a cursor's sort key must look like (default: a canonical ISO time). */
  validKey?: (key: string) => boolean,
): Promise<Connection<T>> {
  const first = pageSize(args.first);
  const after =
    args.after === null || args.after === undefined ? null : decodeKeysetCursor(list, args.after, validKey);
  const page = query.clone();
  // A row value, not `a < x OR (a = x AND b < y)`: both databases make it one index range.
  if (after)
    page.andWhere(`(${columns.time}, ${columns.id}) < (:keysetTime, :keysetId)`, {
      keysetTime: after.time,
      keysetId: after.id,
    });
  const [rows, total] = await Promise.all([
    page
      .orderBy(columns.time, 'DESC')
      .addOrderBy(columns.id, 'DESC')
      .limit(first + 1)
      .getMany(),
    // COUNT(*) rather than getCount()'s COUNT(DISTINCT id): the rows are distinct already.
    query.clone().select('COUNT(*)', 'total').getRawOne<{ total: number | string }>(),
  ]);
  const totalCount = Number(total?.total ?? 0);
  const edges = rows
    .slice(0, first)
    .map((node) => ({ cursor: encodeKeysetCursor(list, positionOf(node)), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: rows.length > first,
      endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
    },
    totalCount,
  };
}

/**
 * `column IN (ids)` with the ids as ONE bound parameter (a PostgreSQL array, a JSON array in SQLite),
 * so any number of ids is one statement with the same text, never past a parameter limit.
 */
export function whereIdIn<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  column: string,
  ids: readonly string[],
): SelectQueryBuilder<T> {
  const postgres = query.dataSource.options.type === 'postgres';
  return postgres
    ? query.where(`${column} = ANY(:ids)`, { ids: [...ids] })
    : query.where(`${column} IN (SELECT value FROM json_each(:ids))`, { ids: JSON.stringify(ids) });
}

/** Distinct ids, in first-seen order; rejects what is not a non-empty string. */
export function distinctIds(argument: string, ids: readonly string[]): string[] {
  for (const id of ids)
    if (typeof id !== 'string' || id.length === 0)
      throw new InvalidQueryArgumentError(argument, 'ids must be non-empty strings.');
  return [...new Set(ids)];
}

/** Rows grouped by `keyOf`, with an (empty) group for every requested key, in the rows' order. */
export function groupBy<T>(
  keys: readonly string[],
  rows: readonly T[],
  keyOf: (row: T) => string,
): Map<string, T[]> {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return groups;
}
