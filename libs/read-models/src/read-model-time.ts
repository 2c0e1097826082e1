/**
 * Times are stored as ISO-8601 UTC strings with milliseconds ("2026-03-01T12:00:00.000Z"), the
 * contract's DateTime format. Fixed width, so byte-wise comparison is chronological in SQLite and
 * PostgreSQL alike (columns are COLLATE "C" there), and values round-trip without driver time-zone
 * conversions. PostgreSQL date arithmetic can still cast them: `started_at::timestamptz`.
 */
export function isoTime(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) throw new Error(`'${String(value)}' is not a time.`);
  return date.toISOString();
}

export function isoTimeOrNull(value: string | null | undefined): string | null {
  return value === null || value === undefined ? null : isoTime(value);
}
