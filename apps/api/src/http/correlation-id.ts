import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The header a caller may send, and that every answer carries. */
export const CORRELATION_ID_HEADER = 'x-correlation-id';

/**
 * The correlation id of a request: the caller's `x-correlation-id` when it is a sensible one (1 to
 * 128 letters, digits, `_ . : -`), else a new one. Every event the request writes carries it.
 */
export function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

const DECIDED = Symbol('correlationId');
type WithCorrelationId = IncomingMessage & { [DECIDED]?: string };

/**
 * The correlation id of this request, decided once and kept on it: the log line, the response
 * header and the events' metadata all read it here, so a new id is never made twice for one request.
 */
export function requestCorrelationId(req: IncomingMessage): string {
  const request = req as WithCorrelationId;
  return (request[DECIDED] ??= correlationIdOf(req.headers[CORRELATION_ID_HEADER]));
}

/** First of all middleware: decides the request's correlation id and answers with it. */
export function correlationIdHeader(req: IncomingMessage, res: ServerResponse, next: () => void): void {
  res.setHeader(CORRELATION_ID_HEADER, requestCorrelationId(req));
  next();
}
