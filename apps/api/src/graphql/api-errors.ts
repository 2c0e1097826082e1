import type { ApolloServerPlugin } from '@apollo/server';
import { HttpException, Logger } from '@nestjs/common';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ConcurrencyConflictError, DomainRuleError, EntityNotFoundError } from '@kb/domain';
import { InvalidEventStoreInputError } from '@kb/event-store';
import { InvalidQueryArgumentError, InvalidSearchCursorError, ReadPoolBusyError } from '@kb/read-models';
import { isClientErrorCode, isClientHttpStatus } from '../errors/client-errors';
import { withoutEchoedInput } from '../http/log-redaction';

/** The codes of the contract (`extensions.code`). */
export type ApiErrorCode =
  'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'QUERY_TOO_COMPLEX';

export function apiError(code: ApiErrorCode, message: string, extensions: Record<string, unknown> = {}) {
  return new GraphQLError(message, { extensions: { ...extensions, code } });
}

export const unauthenticated = () =>
  apiError(
    'UNAUTHENTICATED',
    'No valid API key: send "Authorization: Bearer <secret>" with the secret of an API key that is not revoked.',
    { http: { status: 401 } },
  );

export const forbidden = (role: string, required: string, what: string) =>
  apiError('FORBIDDEN', `This API key's role ${role} may not ${what}; it needs ${required} or above.`);

export const notFound = (field: string, entity: string, id: string) =>
  apiError('NOT_FOUND', `${field}: no ${entity} has the id '${id}'.`, { field });

/** A query over the depth or cost limit; Apollo reports validation errors with its own code, so it is mapped back. */
export class QueryTooComplexError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
  }
}

const logger = new Logger('GraphQL');

/**
 * Gives every error the contract's code and a message for the person who meets it. Errors of the
 * domain say which field and rule; anything unexpected leaves as "Internal server error", without
 * its message or stack unless `includeStackTraces` (NODE_ENV=development).
 *
 * Each error is logged here, once: the client's (a code of `isClientErrorCode`: bad input, not found,
 * a conflict, no key, a role too low, a document that does not parse or validate, ...) at debug
 * level without a stack, as it is no failure of the service; an unexpected one at error level with
 * its stack.
 */
/**
 * An answer that is nothing but SERVICE_UNAVAILABLE (the reads were at capacity, no field was
 * answered) goes out as the load shedding's own refusals do: HTTP 503, `Retry-After: 1`, errors
 * without `data`, so clients and proxies retry it. (Nest's driver resets the status of any answer
 * with `data` to 200; a partial answer keeps that, and says which field to ask again.)
 */
export const serviceUnavailableStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        const errors = result.errors ?? [];
        if (errors.length === 0 || errors.some((error) => error.extensions?.code !== 'SERVICE_UNAVAILABLE'))
          return;
        if (result.data !== null && result.data !== undefined) return;
        delete result.data;
        response.http.status = 503;
        response.http.headers.set('retry-after', '1');
      },
    };
  },
};

export function formatApiError(
  formatted: GraphQLFormattedError,
  error: unknown,
  includeStackTraces: boolean,
): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  const answer = toApiError(formatted, original, error, includeStackTraces);
  const code = answer.extensions?.code;
  const where = formatted.path ? ` at ${formatted.path.join('.')}` : '';
  if (code === 'INTERNAL_SERVER_ERROR')
    logger.error(
      `Unexpected error${where}: ${original instanceof Error ? original.message : String(original)}`,
      original instanceof Error ? original.stack : undefined,
    );
  // The client's mistakes and refusals for capacity (one per refused request under overload) are
  // no failure of the service: debug, without a stack.
  // The message may repeat the caller's values (variables, the document): never in the log.
  else if (isClientErrorCode(code) || code === 'SERVICE_UNAVAILABLE')
    logger.debug(`${String(code)}${where}: ${withoutEchoedInput(answer.message)}`);
  else logger.warn(`${String(code)}${where}: ${withoutEchoedInput(answer.message)}`);
  return answer;
}

function toApiError(
  formatted: GraphQLFormattedError,
  original: unknown,
  error: unknown,
  includeStackTraces: boolean,
): GraphQLFormattedError {
  const base = { message: formatted.message, locations: formatted.locations, path: formatted.path };
  const stack = includeStackTraces ? { stacktrace: formatted.extensions?.stacktrace } : {};
  if (original instanceof DomainRuleError)
    return {
      ...base,
      message: original.message,
      extensions: { code: 'BAD_USER_INPUT', field: original.field, rule: original.rule, ...stack },
    };
  // Overloaded reads: the request was fine; the service asks for a retry (HTTP 503, Retry-After).
  if (original instanceof ReadPoolBusyError)
    return { ...base, message: original.message, extensions: { code: 'SERVICE_UNAVAILABLE' } };
  if (original instanceof InvalidQueryArgumentError)
    return badInput(base, original.argument, original.message);
  if (original instanceof InvalidSearchCursorError) return badInput(base, 'after', original.message);
  if (original instanceof InvalidEventStoreInputError)
    return badInput(base, original.field, original.message);
  if (original instanceof EntityNotFoundError)
    return { ...base, message: original.message, extensions: { code: 'NOT_FOUND', field: original.field } };
  if (original instanceof ConcurrencyConflictError)
    return {
      ...base,
      message: original.message,
      extensions: {
        code: 'CONFLICT',
        currentRevision: original.currentRevision,
        expectedRevision: original.expectedRevision,
      },
    };
  if (original instanceof QueryTooComplexError) return { ...base, extensions: { code: 'QUERY_TOO_COMPLEX' } };
  // A scalar's refusal (e.g. a DateTime that is not RFC 3339): Apollo reports one written in the
  // query as GRAPHQL_VALIDATION_FAILED; it is invalid input all the same.
  if (original instanceof GraphQLError && original.extensions.code === 'BAD_USER_INPUT')
    return { ...base, extensions: { code: 'BAD_USER_INPUT', ...stack } };
  const code = formatted.extensions?.code;
  if (error instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
    const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
    return { ...base, extensions: { ...extensions, ...stack } };
  }
  // A Nest HttpException of a 4xx that Apollo has no code for (404, 409, 429, ...): the client's too.
  if (original instanceof HttpException && isClientHttpStatus(original.getStatus()))
    return {
      ...base,
      message: original.message,
      extensions: {
        code: HTTP_CLIENT_CODES[original.getStatus()] ?? 'BAD_REQUEST',
        status: original.getStatus(),
      },
    };
  return {
    ...base,
    message: includeStackTraces ? formatted.message : 'Internal server error',
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...stack },
  };
}

const HTTP_CLIENT_CODES: Readonly<Record<number, string>> = {
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  422: 'BAD_USER_INPUT',
};

function badInput(
  base: Pick<GraphQLFormattedError, 'message' | 'locations' | 'path'>,
  field: string,
  message: string,
): GraphQLFormattedError {
  return { ...base, message, extensions: { code: 'BAD_USER_INPUT', field } };
}
