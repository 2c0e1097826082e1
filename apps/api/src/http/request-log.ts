import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import pino, { type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import pinoPretty from 'pino-pretty';
import type { LogFormat, LogLevelName } from '../config/log-levels';
import { requestCorrelationId } from './correlation-id';
import { pathForLog, REDACTED_LOG_PATHS } from './log-redaction';

/** LOG_LEVEL and LOG_FORMAT (no format: pretty when stdout is a terminal, JSON lines otherwise). */
export interface LogsConfig {
  readonly level: LogLevelName;
  readonly format?: LogFormat;
}

/**
 * The service's logger: JSON lines on stdout (or `destination`), pino-pretty for a person at a
 * terminal. Whatever logs an object, the fields of REDACTED_LOG_PATHS come out as `[redacted]`.
 */
export function createServiceLogger(config: LogsConfig, destination?: DestinationStream): Logger {
  const format = config.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const options = {
    level: config.level,
    base: undefined, // no pid and hostname on every line: the platform knows them
    redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
  };
  if (destination) return pino(options, destination);
  if (format === 'pretty')
    return pino(options, pinoPretty({ colorize: process.stdout.isTTY === true, sync: true }));
  return pino(options);
}

/** What the request log knows of a GraphQL request (from its parsed operation) and of a refusal. */
interface RequestNote {
  operationName?: string;
  operationType?: string;
  errorCodes?: string[];
}

const NOTE = Symbol('requestLogNote');
type NotedRequest = IncomingMessage & { [NOTE]?: RequestNote; body?: unknown };

function noteOf(req: IncomingMessage): RequestNote {
  return ((req as NotedRequest)[NOTE] ??= {});
}

/** For a middleware that answers itself (429, 503): the code its answer carries. */
export function noteErrorCode(req: IncomingMessage, code: string): void {
  noteOf(req).errorCodes = [code];
}

const MAX_ERROR_CODES = 5;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/**
 * Notes each GraphQL request's operation (name and type, as Apollo parsed it: no second parse) and the
 * codes of its answer's errors, for its line in the request log.
 */
export const requestLogPlugin: ApolloServerPlugin = {
  async requestDidStart({ contextValue }) {
    // Nest's Apollo driver puts the HTTP request on every context it makes (`req`).
    const req = (contextValue as { req?: IncomingMessage } | undefined)?.req;
    if (!req) return;
    const note = noteOf(req);
    return {
      async didResolveOperation({ operation, operationName }) {
        if (operation) note.operationType = operation.operation;
        if (operationName && NAME.test(operationName)) note.operationName = operationName;
      },
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const codes = (response.body.singleResult.errors ?? []).map((error) => {
          const code = error.extensions?.code;
          return typeof code === 'string' && NAME.test(code) ? code : 'UNKNOWN';
        });
        if (codes.length > 0) note.errorCodes = [...new Set(codes)].slice(0, MAX_ERROR_CODES);
      },
    };
  },
};

/** Paths probed every few seconds: their lines are debug lines. */
const PROBES = /^\/(health|metrics)(\/|$)/;

/** One request's line: what was asked, how it ended, how long it took. Nothing the caller sent but these. */
function requestLine(req: NotedRequest, res: ServerResponse, durationMs: number) {
  const note = req[NOTE] ?? {};
  const bodyName = (req.body as { operationName?: unknown } | undefined)?.operationName;
  const operationName =
    note.operationName ?? (typeof bodyName === 'string' && NAME.test(bodyName) ? bodyName : undefined);
  const aborted = !res.writableEnded;
  const failed = aborted || res.statusCode >= 400 || (note.errorCodes?.length ?? 0) > 0;
  return {
    method: req.method,
    path: pathForLog((req as { originalUrl?: string }).originalUrl ?? req.url),
    status: aborted ? undefined : res.statusCode,
    durationMs,
    ...(operationName || note.operationType
      ? { operation: { name: operationName, type: note.operationType } }
      : {}),
    outcome: aborted ? 'aborted' : failed ? 'error' : 'ok',
    ...(note.errorCodes ? { errorCodes: note.errorCodes } : {}),
  };
}

/**
 * One line per request when its answer has gone (or its caller has): method, path (never the query
 * string), status, duration, the GraphQL operation and its error codes, and the correlation id, which
 * is also on every line logged while the request is worked on. Never headers, bodies or variables.
 * Probes (/health, /metrics) are debug lines; a 5xx is an error line, but 503 (a refusal for
 * capacity) a warning.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId: (req) => requestCorrelationId(req),
    customAttributeKeys: { reqId: 'correlationId' },
    quietReqLogger: true,
    quietResLogger: true,
    customLogLevel: (req, res) => {
      if (PROBES.test(pathForLog((req as { originalUrl?: string }).originalUrl ?? req.url))) return 'debug';
      if (res.statusCode === 503) return 'warn';
      return res.statusCode >= 500 ? 'error' : 'info';
    },
    customSuccessObject: (req, res, value: { responseTime: number }) =>
      requestLine(req, res, value.responseTime),
    customErrorObject: (req, res, _error, value: { responseTime: number }) =>
      requestLine(req, res, value.responseTime),
    customSuccessMessage: (_req, res) => (res.writableEnded ? 'request completed' : 'request aborted'),
    customErrorMessage: () => 'request failed',
  });
}
