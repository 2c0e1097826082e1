import type { IncomingMessage, ServerResponse } from 'node:http';

/** Requests to /graphql being worked on at once, unless GRAPHQL_MAX_IN_FLIGHT says otherwise. */
export const DEFAULT_MAX_IN_FLIGHT = 256;

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
 * - at most `maxInFlight` GraphQL requests are worked on at once; the next is answered at once
 *   with 503, `Retry-After: 1` and the code SERVICE_UNAVAILABLE, having cost nothing;
 * - a request whose caller has already gone is dropped before any work.
 * `/health` and WebSocket traffic are not counted. The read workers refuse on their own, in the same
 * words, when 32 statements wait for each (ReadPoolBusyError): under the load mix that is the queue
 * that fills first.
 */
export function loadShedding(maxInFlight: number) {
  let inFlight = 0;
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.socket.destroyed) {
      res.destroy();
      return;
    }
    if (inFlight >= maxInFlight) {
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
