import type { IncomingMessage, ServerResponse } from 'node:http';
import { ALERTMANAGER_PATH } from '../alertmanager/alertmanager-body';
import type { ServiceMetrics } from './service-metrics';

/** What Express adds to a request that the metrics read: the route that matched, where it is mounted. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string; originalUrl?: string };

/** Paths served by middleware mounted with `app.use` rather than a route: Express sets no `req.route`. */
const MOUNTED_PATHS: ReadonlySet<string> = new Set(['/graphql', ALERTMANAGER_PATH]);
const METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * Times every request from its first byte to its answer (refused ones included: mounted first).
 * The route label is the route that matched (`/reports/:report`, say), a mounted path, or
 * `unmatched`: never the URL the client sent, which would make a series per URL.
 */
export function httpMetrics(metrics: ServiceMetrics) {
  return (req: RoutedRequest, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const outcome = res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted';
      const method = METHODS.has(req.method ?? '') ? req.method! : 'other';
      metrics.observeHttpRequest(
        method,
        routeOf(req),
        outcome,
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    });
    next();
  };
}

function routeOf(req: RoutedRequest): string {
  if (typeof req.route?.path === 'string') return `${req.baseUrl ?? ''}${req.route.path}`;
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  return MOUNTED_PATHS.has(path) ? path : 'unmatched';
}
