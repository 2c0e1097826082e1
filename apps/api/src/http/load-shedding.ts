import type { IncomingMessage, ServerResponse } from 'node:http';

/** Requests to /graphql being worked on at once, unless GRAPHQL_MAX_IN_FLIGHT says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 256;

/**
 * How late the event loop may run before new requests are refused. When the main thread is the
 * bottleneck, requests wait in the sockets before any middleware sees them, so a count of those in
 * progress stays low while every answer is late: the loop's own delay is the signal.
 */
export const MAX_EVENT_LOOP_LAG_MS = 250;

/**
 * How late the event loop runs now: a timer due every 25 ms measures how late it fired. The last
 * reading stands until the next (a saturated loop fires it late, and the reading says so).
 */
export function eventLoopLag(intervalMs = 25): () => number {
  let last = performance.now();
  let lag = 0;
  setInterval(() => {
    const now = performance.now();
    lag = Math.max(0, now - last - intervalMs);
    last = now;
  }, intervalMs).unref();
  return () => Math.max(lag, performance.now() - last - intervalMs);
}

/** What an overloaded service answers: a GraphQL error with a code, and when to retry. */
export const OVERLOADED_BODY = JSON.stringify({
  errors: [
    {
      message: 'The service is at capacity: retry in a second (Retry-After).',
      extensions: { code: 'SERVICE_UNAVAILABLE' },
    },
  ],
});

/**
 * Sheds load instead of queueing it without end. Past its capacity the service used to take every
 * request and work through a growing queue: answers came after the callers' timeouts, the work on
 * requests nobody waited for any more crowded out the rest (at twice the capacity, under a fifth of
 * it was answered in time), and memory grew with the queue. Now:
 * - at most `maxInFlight` GraphQL requests are worked on at once, and none is taken while the event
 *   loop runs more than MAX_EVENT_LOOP_LAG_MS late; the next is answered at once with 503,
 *   `Retry-After: 1` and the code SERVICE_UNAVAILABLE, having cost nothing;
 * - a request whose caller has already gone is dropped before any work.
 * `/health` and WebSocket traffic are not counted.
 */
export function loadShedding(maxInFlight: number, lag: () => number = eventLoopLag()) {
  let inFlight = 0;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.socket.destroyed) {
      res.destroy();
      return;
    }
    if (inFlight >= maxInFlight || lag() > MAX_EVENT_LOOP_LAG_MS) {
      res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'retry-after': '1' });
      res.end(OVERLOADED_BODY);
      return;
    }
    inFlight += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      inFlight -= 1;
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
