/** Times in the browser's time zone (UTC on hover, through `title`), durations and rates in words. */

const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function localDateTime(iso: string): string {
  return DATE_TIME.format(new Date(iso));
}

export function localDate(iso: string): string {
  return DATE.format(new Date(iso));
}

/** "2026-03-04 05:06 UTC": what the hover shows. */
export function utc(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A bucket's label: its start date, in UTC like the buckets themselves. */
export function bucketLabel(iso: string): string {
  return iso.slice(0, 10);
}

/** Seconds as "42 s", "17 min", "3.5 h", "2.1 d"; "n/a" when there is none. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'n/a';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min`;
  if (seconds < 36 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function percent(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? 'n/a' : `${(rate * 100).toFixed(1)} %`;
}

export function decimal(value: number | null | undefined, digits = 2): string {
  return value === null || value === undefined ? 'n/a' : value.toFixed(digits);
}

/** An ISO instant as the value of an `<input type="datetime-local">`, in the browser's time zone. */
export function toLocalInput(iso: string): string {
  const date = new Date(iso);
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The value of an `<input type="datetime-local">` (browser time zone) as an ISO instant. */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The label of an enum value: SEV1 stays, CONFIG_CHANGE becomes "config change". */
export function words(value: string): string {
  return /^SEV\d$|^P\d$/.test(value) ? value : value.toLowerCase().replaceAll('_', ' ');
}
