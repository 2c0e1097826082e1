/** Longest user text looked at; the rest is ignored. */
export const MAX_QUERY_LENGTH = 500;
/** Most terms a query keeps; later ones are ignored. */
export const MAX_QUERY_TERMS = 20;
/** Longest single term; longer runs of letters are cut (no real word is that long). */
export const MAX_TERM_LENGTH = 64;

// A word starts with a letter or digit and may carry combining marks (é written as e + U+0301).
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;

/**
 * User text → search terms: the words of the text (letters and digits, any script), lower-cased,
 * without repeats. Everything else — quotes, operators, parentheses, SQL or FTS syntax — only
 * separates words, so no text can change the shape of the backend query. Never throws.
 */
export function parseSearchQuery(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  const words = text.slice(0, MAX_QUERY_LENGTH).normalize('NFC').match(WORD) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    const term = Array.from(word.toLowerCase()).slice(0, MAX_TERM_LENGTH).join('');
    if (terms.includes(term)) continue;
    terms.push(term);
    if (terms.length === MAX_QUERY_TERMS) break;
  }
  return terms;
}

/**
 * FTS5 MATCH expression: every term a double-quoted string (so AND, NEAR, `*`, `col:` are plain
 * words), joined by spaces (implicit AND); the last term also matches as a prefix.
 */
export function toFts5Match(terms: readonly string[]): string {
  return terms
    .map((term, i) => `"${term.replaceAll('"', '""')}"${i === terms.length - 1 ? '*' : ''}`)
    .join(' ');
}

/**
 * PostgreSQL to_tsquery text: every term a quoted lexeme, joined by `&`; the last term also matches
 * as a prefix. Passed as a bound parameter, never spliced into SQL.
 */
export function toTsQuery(terms: readonly string[]): string {
  return terms
    .map(
      (term, i) =>
        `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'${i === terms.length - 1 ? ':*' : ''}`,
    )
    .join(' & ');
}
