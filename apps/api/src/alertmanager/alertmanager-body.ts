import type { IncomingMessage, ServerResponse } from 'node:http';

/** Where Alertmanager sends its notifications. */
export const ALERTMANAGER_PATH = '/ingest/alertmanager';

/** Largest notification accepted: 1 MiB, as for GraphQL requests. */
export const MAX_ALERTMANAGER_BODY_BYTES = 1024 * 1024;

type BodyRequest = IncomingMessage & { body?: unknown };

/**
 * Reads the JSON body of a POST to ALERTMANAGER_PATH, whatever its Content-Type, before the
 * application's JSON parser (which then has nothing left to read), so that a refusal says what an
 * Alertmanager operator can do about it:
 * - over 1 MiB: 413 PAYLOAD_TOO_LARGE, as soon as the Content-Length or the bytes read pass it
 *   (the rest is read and dropped, so the client gets the answer);
 * - compressed: 415; not JSON: 400 BAD_USER_INPUT.
 */
export function alertmanagerBody(limit = MAX_ALERTMANAGER_BODY_BYTES) {
  return (req: BodyRequest, res: ServerResponse, next: (error?: unknown) => void): void => {
    if (req.method !== 'POST') {
      next();
      return;
    }
    const refuse = (status: number, code: string, message: string) => {
      req.resume();
      if (res.headersSent) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ code, message }));
    };
    const tooLarge = () =>
      refuse(
        413,
        'PAYLOAD_TOO_LARGE',
        `The notification is larger than ${limit} bytes. Send fewer alerts per notification: set max_alerts in the webhook_config, or group the route's alerts more finely (group_by).`,
      );
    if (Number(req.headers['content-length']) > limit) {
      tooLarge();
      return;
    }
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      refuse(
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `The body must not be compressed (Content-Encoding: ${encoding.slice(0, 40)}).`,
      );
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      refused = true;
      chunks.length = 0;
      tooLarge();
    });
    req.on('error', (error) => {
      if (!refused && !res.headersSent) next(error);
    });
    req.on('end', () => {
      if (refused) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() !== '')
        try {
          req.body = JSON.parse(text);
        } catch (error) {
          refuse(400, 'BAD_USER_INPUT', `The body is not JSON: ${(error as Error).message}`);
          return;
        }
      next();
    });
  };
}
