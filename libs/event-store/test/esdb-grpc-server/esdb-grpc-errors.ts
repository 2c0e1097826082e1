import { Metadata, status, type ServerErrorResponse } from '@grpc/grpc-js';
import {
  AppendTooLargeError,
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../../src';
import { expectedVersionNumber, WireError } from './esdb-wire.mapper';

/**
 * Failures as EventStoreDB reports them: a gRPC status plus an `exception` key (and its details) in
 * the trailing metadata, which is what the client's `convertToCommandError` reads.
 */
export function toStatusError(error: unknown, streamName: string): ServerErrorResponse {
  if (error instanceof WrongExpectedVersionError)
    return statusError(status.FAILED_PRECONDITION, error.message, {
      exception: 'wrong-expected-version',
      'stream-name': streamName,
      'expected-version': expectedVersionNumber(error.expected),
      'actual-version': error.actual === 'no_stream' ? '-1' : String(error.actual),
    });
  if (error instanceof StreamDeletedError)
    return statusError(status.FAILED_PRECONDITION, `Event stream '${streamName}' is deleted.`, {
      exception: 'stream-deleted',
      'stream-name': streamName,
    });
  if (error instanceof StreamNotFoundError)
    return statusError(status.NOT_FOUND, `Event stream '${streamName}' is not found.`, {
      exception: 'stream-not-found',
      'stream-name': streamName,
    });
  if (error instanceof AppendTooLargeError)
    return statusError(
      status.INVALID_ARGUMENT,
      `Maximum Append Size of ${error.maxAppendSizeBytes} Exceeded.`,
      {
        exception: 'maximum-append-size-exceeded',
        'maximum-append-size': String(error.maxAppendSizeBytes),
      },
    );
  if (error instanceof InvalidEventStoreInputError || error instanceof WireError)
    return statusError(status.INVALID_ARGUMENT, error.message);
  if (error instanceof EventStoreUnavailableError) return statusError(status.UNAVAILABLE, error.message);
  return statusError(status.UNKNOWN, error instanceof Error ? error.message : String(error));
}

export function accessDenied(): ServerErrorResponse {
  return statusError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });
}

export function statusError(
  code: status,
  details: string,
  trailers: Record<string, string> = {},
): ServerErrorResponse {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}
