import { HttpException } from '@nestjs/common';

/**
 * The error codes that mean the request was wrong, not the service: the contract's and Apollo's
 * (a document that does not parse or validate, a persisted query the server does not know, ...).
 * Such errors are the client's to fix; they are logged at debug level at most, without a stack.
 */
export const CLIENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'QUERY_TOO_COMPLEX',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** Whether `code` (an `extensions.code`) is the client's error. */
export function isClientErrorCode(code: unknown): boolean {
  return typeof code === 'string' && (CLIENT_ERROR_CODES.has(code) || code.startsWith('PERSISTED_QUERY_'));
}

/**
 * The HTTP status an error stands for: a Nest HttpException's, or the `statusCode` of the errors
 * Express middleware raises (body-parser: 400 for JSON that does not parse, 413 for a body too large).
 */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

/** Whether `status` is a 4xx: the request was wrong. */
export function isClientHttpStatus(status: number | undefined): status is number {
  return status !== undefined && status >= 400 && status < 500;
}
