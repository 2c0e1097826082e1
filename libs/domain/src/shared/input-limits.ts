import { DomainRuleError } from './domain-errors';

/**
 * Limits on every input, checked before any event is decided. A violation names the field and the
 * rule; nothing is appended.
 */
export const LIMITS = {
  titleMax: 200,
  freeTextMax: 20_000,
  servicesMin: 1,
  servicesMax: 20,
  tagsMax: 30,
  nameMax: 64,
  assigneeMax: 200,
  idempotencyKeyMax: 200,
  /** How far in the future a time may be, to allow for clock skew. */
  futureToleranceMs: 5 * 60 * 1000,
} as const;

const NAME = /^[a-z0-9\-_.:/]+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parseInstant(field: string, value: string): number {
  const parsed = RFC3339.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(parsed))
    throw new DomainRuleError(
      field,
      `'${value}' is not an RFC 3339 date-time such as 2026-03-01T12:00:00.000Z`,
    );
  return parsed;
}

/** 1–200 characters after trimming; returns the trimmed title. */
export function checkTitle(field: string, value: string): string {
  const title = value.trim();
  if (title.length === 0) throw new DomainRuleError(field, 'must not be empty');
  if (title.length > LIMITS.titleMax)
    throw new DomainRuleError(
      field,
      `must be at most ${LIMITS.titleMax} characters (it has ${title.length})`,
    );
  return title;
}

/** Free text of up to 20,000 characters; `required` also refuses blank text. Returns it trimmed. */
export function checkFreeText(field: string, value: string, required = false): string {
  const text = value.trim();
  if (required && text.length === 0) throw new DomainRuleError(field, 'must not be empty');
  if (text.length > LIMITS.freeTextMax)
    throw new DomainRuleError(
      field,
      `must be at most ${LIMITS.freeTextMax} characters (it has ${text.length})`,
    );
  return text;
}

export function checkOptionalFreeText(field: string, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = checkFreeText(field, value);
  return text.length === 0 ? null : text;
}

/** A service, tag or team name: 1–64 characters of lowercase letters, digits and -_.:/ */
export function checkName(field: string, value: string): string {
  if (value.length === 0 || value.length > LIMITS.nameMax)
    throw new DomainRuleError(field, `must be 1–${LIMITS.nameMax} characters long`);
  if (!NAME.test(value))
    throw new DomainRuleError(field, `'${value}' may hold only lowercase letters, digits and - _ . : /`);
  return value;
}

/** A list of names, each checked, duplicates dropped (first one kept). */
export function checkNames(field: string, values: readonly string[], min: number, max: number): string[] {
  const unique = [...new Set(values.map((value, i) => checkName(`${field}[${i}]`, value)))];
  if (unique.length < min) throw new DomainRuleError(field, `must name at least ${min} (it names none)`);
  if (unique.length > max)
    throw new DomainRuleError(field, `must name at most ${max} (it names ${unique.length})`);
  return unique;
}

export const checkServices = (values: readonly string[], field = 'services') =>
  checkNames(field, values, LIMITS.servicesMin, LIMITS.servicesMax);
export const checkTags = (values: readonly string[], field = 'tags') =>
  checkNames(field, values, 0, LIMITS.tagsMax);

/**
 * An instant, normalised to RFC 3339 UTC with milliseconds. Refuses unparseable text and times more
 * than 5 minutes after `now`.
 */
export function checkInstant(field: string, value: string, now: Date): string {
  const parsed = parseInstant(field, value);
  if (parsed > now.getTime() + LIMITS.futureToleranceMs)
    throw new DomainRuleError(field, 'must not be more than 5 minutes in the future');
  return new Date(parsed).toISOString();
}

/** Like {@link checkInstant} but without the future limit (due dates). */
export function checkFutureInstant(field: string, value: string): string {
  const parsed = parseInstant(field, value);
  return new Date(parsed).toISOString();
}

export function checkOneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new DomainRuleError(field, `must be one of ${allowed.join(', ')} (not '${value}')`);
  return value as T;
}
