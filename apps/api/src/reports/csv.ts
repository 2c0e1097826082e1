/** A CSV cell: text, a number, a boolean or empty (null). */
export type CsvValue = string | number | boolean | null | undefined;

/**
 * Text a spreadsheet would take for a formula (or for the start of one, after a tab or carriage
 * return): OWASP's list for CSV injection.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function quoted(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

function cell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  // Only text can be a formula: a number (a negative one too) is written as it is, so it stays a number.
  if (typeof value === 'string' && FORMULA_START.test(value)) return quoted(`'${value}`);
  const text = String(value);
  return /[",\r\n]/.test(text) ? quoted(text) : text;
}

/**
 * RFC 4180 text: a header row, then one row per record, fields separated by commas, lines ended by
 * CRLF; a field holding a comma, quote or line break is quoted, its quotes doubled.
 *
 * Against CSV (formula) injection, as OWASP recommends: a text cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is written with a single quote before it, and quoted, so a
 * spreadsheet shows it as text instead of running it. Numbers and booleans are never changed.
 */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => `${row.map(cell).join(',')}\r\n`).join('');
}
