import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORRELATION_ID_HEADER } from './correlation-id';

/** What a browser client may send: its key, JSON, a correlation id, and Apollo's CSRF headers. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  CORRELATION_ID_HEADER,
  'apollo-require-preflight',
  'x-apollo-operation-name',
];
/** What its script may read of an answer: the correlation id, and when to retry a 429 or 503. */
export const CORS_EXPOSED_HEADERS = [CORRELATION_ID_HEADER, 'retry-after'];
/** How long a browser may reuse a preflight's answer (seconds; browsers cap it at 2 to 24 hours). */
export const CORS_MAX_AGE_SECONDS = 7_200;

/**
 * Reads CORS_ORIGINS: a comma-separated list of exact origins (`https://portal.example.com`,
 * scheme http or https, host, optional port, nothing else). Each problem names the entry and the
 * form to write; `*` is refused, as every origin is never what an API with keys wants.
 */
export function parseCorsOrigins(text: string | undefined): { origins: string[]; problems: string[] } {
  if (text === undefined) return { origins: [], problems: [] };
  const origins: string[] = [];
  const problems: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    const shown = entry.slice(0, 100);
    if (entry === '*') {
      problems.push(
        "CORS_ORIGINS may not be '*': list each browser origin that may call the API, e.g. 'https://portal.example.com,https://admin.example.com'.",
      );
      continue;
    }
    const origin = originOf(entry);
    if (origin === entry) {
      if (!origins.includes(origin)) origins.push(origin);
    } else
      problems.push(
        `CORS_ORIGINS entries must be origins: http:// or https://, a host and an optional port, no path, no trailing slash, nothing else; ` +
          (origin === undefined ? `not '${shown}'.` : `write '${origin}', not '${shown}'.`),
      );
  }
  return { origins, problems };
}

/** The origin a URL-like entry names, if it is an http(s) URL without user, query or fragment. */
function originOf(entry: string): string | undefined {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (!['http:', 'https:'].includes(url.protocol)) return undefined;
  if (url.username || url.password || url.search || url.hash || url.pathname !== '/') return undefined;
  return url.origin;
}

/**
 * CORS for the allowed origins only. An allowed origin gets its headers (no credentials: the API is
 * called with bearer keys, never cookies) and its preflight an answer at once, before any budget or
 * body; any other origin gets no CORS header at all, so its browser keeps the answer from its script.
 * `Vary: Origin` on every answer, so that a cache never gives one origin's answer to another.
 */
export function corsFor(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    res.appendHeader('vary', 'Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) {
      next();
      return;
    }
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) {
      next();
      return;
    }
    res.setHeader('access-control-allow-methods', 'GET, POST');
    res.setHeader('access-control-allow-headers', CORS_ALLOWED_HEADERS.join(', '));
    res.setHeader('access-control-max-age', String(CORS_MAX_AGE_SECONDS));
    res.writeHead(204, { 'content-length': '0' });
    res.end();
  };
}
