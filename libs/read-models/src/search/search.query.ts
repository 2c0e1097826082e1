import type { DataSource } from 'typeorm';
import { readRows } from '../sqlite-reads/sqlite-read-pool';
import type { SearchResultKind } from './search-document.entity';
import { parseSearchQuery, toFts5Match, toTsQuery } from './search-query.parser';
import {
  MATCH_END,
  MATCH_START,
  POSTGRES_MARKUP_CHARS,
  POSTGRES_MARKUP_STAND_INS,
  toHtmlSnippet,
} from './search-snippet';

export const DEFAULT_SEARCH_PAGE_SIZE = 20;
export const MAX_SEARCH_PAGE_SIZE = 100;

export interface SearchArgs {
  readonly query: string;
  readonly first?: number | null;
  readonly after?: string | null;
}

export interface SearchHit {
  readonly kind: SearchResultKind;
  /** Id of the incident, finding or action item found. */
  readonly id: string;
  readonly incidentId: string;
  /** Higher is better; only comparable within one result list of one database. */
  readonly score: number;
  /** HTML: the matched text escaped, the matching words in <mark>…</mark>. */
  readonly snippet: string;
}

export interface SearchPage {
  readonly hits: SearchHit[];
  readonly totalCount: number;
  readonly hasNextPage: boolean;
  readonly endCursor: string | null;
}

export class InvalidSearchCursorError extends Error {
  constructor() {
    super('The search cursor is not one this search returned.');
    this.name = 'InvalidSearchCursorError';
  }
}

interface RankedRow {
  kind: SearchResultKind;
  id: string;
  incidentId: string;
  score: number | string;
  snippet: string;
}

/**
 * Full-text search: one hit per incident, finding or action item (its best-matching document), best
 * first, ties by kind and id. The text is parsed into plain words (see search-query.parser.ts) and
 * reaches the database only as a bound parameter, so no text makes the query fail. Cursors are
 * opaque offsets into the ranking.
 */
export async function searchReadModel(dataSource: DataSource, args: SearchArgs): Promise<SearchPage> {
  const first = pageSize(args.first);
  const offset = args.after ? decodeSearchCursor(args.after) : 0;
  const terms = parseSearchQuery(args.query);
  if (terms.length === 0) return { hits: [], totalCount: 0, hasNextPage: false, endCursor: null };
  const postgres = dataSource.options.type === 'postgres';
  const [rows, totalCount] = postgres
    ? await searchPostgres(dataSource, toTsQuery(terms), first, offset)
    : await searchSqlite(dataSource, toFts5Match(terms), first, offset);
  const hits = rows.map((row) => ({
    kind: row.kind,
    id: row.id,
    incidentId: row.incidentId,
    score: Number(row.score),
    snippet: toHtmlSnippet(row.snippet ?? ''),
  }));
  const end = offset + hits.length;
  return {
    hits,
    totalCount,
    hasNextPage: end < totalCount,
    endCursor: hits.length > 0 ? encodeSearchCursor(end) : null,
  };
}

function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined || !Number.isFinite(first)) return DEFAULT_SEARCH_PAGE_SIZE;
  return Math.min(Math.max(Math.trunc(first), 0), MAX_SEARCH_PAGE_SIZE);
}

const CURSOR_PREFIX = 'search:';

export function encodeSearchCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`, 'utf8').toString('base64url');
}

export function decodeSearchCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const digits = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!/^\d{1,9}$/.test(digits)) throw new InvalidSearchCursorError();
  return Number(digits);
}

// A result's best document stands for it in the ranking. The title column weighs 10 times the body:
// a title match ranks above a passing mention. INDEXED BY: the covering index answers which result a
// document belongs to without reading its text (the planner would take the table's rowid instead).
const SQLITE_MATCHES = `
  FROM search_fts JOIN search_documents d INDEXED BY search_documents_results_idx ON d.seq = search_fts.rowid
  WHERE search_fts MATCH ? AND d.retracted = 0`;

/**
 * The page and the count, as two statements that read no document text:
 * - the count of distinct results among the matching documents;
 * - the best `limit` documents by score (ties by kind, id, document), grown until they hold the
 *   page's results or every match. The first document of each result in that order is its best, and
 *   a result none of whose documents is among them ranks after every result that has one, so the
 *   page is exactly the one a ranking of every match would give.
 * Snippets are made for the page's documents only.
 */
async function searchSqlite(
  dataSource: DataSource,
  match: string,
  first: number,
  offset: number,
): Promise<[RankedRow[], number]> {
  // On a SQLite file, in a read worker: a common word matches thousands of documents.
  const query = <Row>(sql: string, params: unknown[]): Promise<Row[]> =>
    readRows<Row>(dataSource.manager, sql, params);
  const [{ total }] = await query<{ total: number }>(
    `SELECT COUNT(*) AS total FROM (SELECT DISTINCT d.result_kind, d.result_id ${SQLITE_MATCHES})`,
    [match],
  );
  const wanted = Math.min(offset + first, Number(total));
  if (first === 0 || wanted <= offset) return [[], Number(total)];
  let page: Array<Omit<RankedRow, 'snippet'> & { seq: number }> = [];
  for (let limit = wanted * 2 + 10; ; limit *= 2) {
    const documents = await query<Omit<RankedRow, 'snippet'> & { seq: number }>(
      `SELECT d.seq AS seq, d.result_kind AS kind, d.result_id AS id, d.incident_id AS "incidentId",
              -bm25(search_fts, 10.0, 1.0) AS score ${SQLITE_MATCHES}
       ORDER BY score DESC, d.result_kind, d.result_id, d.id LIMIT ?`,
      [match, limit],
    );
    const seen = new Set<string>();
    const results = documents.filter((row) => {
      const key = `${row.kind}\u0000${row.id}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    if (results.length >= wanted || documents.length < limit) {
      page = results.slice(offset, wanted);
      break;
    }
  }
  if (page.length === 0) return [[], Number(total)];
  const snippets = await query<{ seq: number; snippet: string }>(
    `SELECT rowid AS seq, snippet(search_fts, -1, ?, ?, '…', 24) AS snippet FROM search_fts
     WHERE search_fts MATCH ? AND rowid IN (${page.map(() => '?').join(', ')})`,
    [MATCH_START, MATCH_END, match, ...page.map((row) => row.seq)],
  );
  const snippetOf = new Map(snippets.map((row) => [row.seq, row.snippet]));
  return [page.map(({ seq, ...row }) => ({ ...row, snippet: snippetOf.get(seq) ?? '' })), Number(total)];
}

const HEADLINE_OPTIONS = `StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=24, MinWords=8, MaxFragments=2, FragmentDelimiter=" … "`;

// ts_rank_cd weighs A (title) 1.0 and D (body) 0.1 by default. ts_headline is costly: page rows only.
const POSTGRES_RANKED = `
  WITH q AS (SELECT to_tsquery('english'::regconfig, $1) AS query),
  matches AS (
    SELECT d.id AS doc_id, d.result_kind, d.result_id, d.incident_id, d.title, d.body,
           ts_rank_cd(d.document, q.query) AS score
    FROM search_documents d, q
    WHERE d.document @@ q.query AND NOT d.retracted
  ), best AS (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY result_kind, result_id ORDER BY score DESC, doc_id) AS n
    FROM matches
  )`;

async function searchPostgres(
  dataSource: DataSource,
  tsquery: string,
  first: number,
  offset: number,
): Promise<[RankedRow[], number]> {
  const rows: RankedRow[] = await dataSource.query(
    `${POSTGRES_RANKED}, page AS (
      SELECT * FROM best WHERE n = 1 ORDER BY score DESC, result_kind, result_id LIMIT $2 OFFSET $3
    )
    SELECT page.result_kind AS kind, page.result_id AS id, page.incident_id AS "incidentId",
           page.score AS score,
           ts_headline('english'::regconfig,
                       translate(concat_ws(' — ', NULLIF(page.title, ''), NULLIF(page.body, '')), $5, $6),
                       q.query, $4) AS snippet
    FROM page, q
    ORDER BY page.score DESC, page.result_kind, page.result_id`,
    [tsquery, first, offset, HEADLINE_OPTIONS, POSTGRES_MARKUP_CHARS, POSTGRES_MARKUP_STAND_INS],
  );
  const [{ total }] = await dataSource.query<Array<{ total: string }>>(
    `${POSTGRES_RANKED} SELECT COUNT(*) AS total FROM best WHERE n = 1`,
    [tsquery],
  );
  return [rows, Number(total)];
}
