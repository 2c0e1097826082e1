/**
 * The database marks matches with these private-use characters instead of `<mark>`, so the snippet
 * can be HTML-escaped as a whole and only then get its tags: text like `<script>` comes back
 * escaped while the marks stay markup. The projection strips both from indexed text.
 */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';

/**
 * PostgreSQL's text parser reads `<…>` as a tag and `&…;` as an entity, leaves them out of the index
 * and drops them from ts_headline. There the text is indexed and headlined with `<`, `>`, `&`
 * swapped for these private-use stand-ins (read as blanks), which the snippet turns back.
 */
export const POSTGRES_MARKUP_CHARS = '<>&';
export const POSTGRES_MARKUP_STAND_INS = '\uE002\uE003\uE004';

const SENTINELS = /[\uE000-\uE004]/g;
const STAND_INS = /[\uE002-\uE004]/g;

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text as it is indexed: without the markers and stand-ins, so user text cannot forge them. */
export function indexableText(text: string | null | undefined): string {
  return (text ?? '').replace(SENTINELS, '');
}

/** A database snippet (with MATCH_START / MATCH_END) → HTML-escaped text with <mark>…</mark>. */
export function toHtmlSnippet(raw: string): string {
  return raw
    .replace(STAND_INS, (c) => POSTGRES_MARKUP_CHARS[POSTGRES_MARKUP_STAND_INS.indexOf(c)])
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
    .replaceAll(MATCH_START, '<mark>')
    .replaceAll(MATCH_END, '</mark>');
}
