import { randomUUID } from 'node:crypto';

/**
 * The correlation id of a request: the caller's `x-correlation-id` when it is a sensible one (1 to
 * 128 letters, digits, `_ . : -`), else a new one. Every event the request writes carries it.
 */
export function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}
