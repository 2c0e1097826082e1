import { status as GrpcStatus } from '@grpc/grpc-js';
import {
  AccessDeniedError,
  InvalidArgumentError,
  MaxAppendSizeExceededError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  convertToCommandError,
  isCommandError,
  type CommandError,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  EventStoreError,
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type ActualRevision,
} from '../errors';
import type { ExpectedRevision } from '../event-store.port';

/** What the adapter knows about the call that failed, to name the stream the caller used. */
export interface EsdbErrorContext {
  readonly streamId?: string;
  /** The expected revision the caller passed, reported back as it was given. */
  readonly expected?: ExpectedRevision;
}

/**
 * Maps what `@eventstore/db-client` throws to the port's typed errors. Errors that come from neither
 * the client nor the server (bugs) are returned unchanged.
 */
export function toEventStoreError(error: unknown, context: EsdbErrorContext = {}): unknown {
  if (error instanceof EventStoreError) return error;
  const commandError = asCommandError(error);
  if (!commandError) return error;
  const streamId = context.streamId ?? streamNameOf(commandError) ?? '';
  if (commandError instanceof ClientWrongExpectedVersionError)
    return new WrongExpectedVersionError(
      streamId,
      context.expected ?? toExpectedRevision(commandError.expectedVersion),
      toActualRevision(commandError.actualVersion),
    );
  if (commandError instanceof ClientStreamNotFoundError) return new StreamNotFoundError(streamId);
  if (commandError instanceof ClientStreamDeletedError) return new StreamDeletedError(streamId);
  if (commandError instanceof MaxAppendSizeExceededError)
    return new AppendTooLargeError(streamId, undefined, commandError.maxAppendSize);
  if (isInvalidRequest(commandError)) return new InvalidEventStoreInputError('request', commandError.message);
  if (commandError instanceof AccessDeniedError)
    // The port has no access error; the store is unusable to this caller until its credentials change.
    return new EventStoreUnavailableError(`EventStoreDB denied access: ${commandError.message}`, {
      cause: commandError,
    });
  return new EventStoreUnavailableError(`EventStoreDB request failed: ${commandError.message}`, {
    cause: commandError,
  });
}

/**
 * Whether a failed subscription must end for good rather than resubscribe: the stream is gone, the
 * caller may not read it, or the request itself is wrong. Anything else (connection lost, server
 * restart, timeouts, unknown server errors) is worth another attempt.
 */
export function isPermanentSubscriptionFailure(error: unknown): boolean {
  if (error instanceof EventStoreError) return !(error instanceof EventStoreUnavailableError);
  const commandError = asCommandError(error);
  if (!commandError) return true;
  return (
    commandError instanceof ClientStreamDeletedError ||
    commandError instanceof AccessDeniedError ||
    commandError.code === GrpcStatus.PERMISSION_DENIED ||
    isInvalidRequest(commandError)
  );
}

function isInvalidRequest(error: CommandError): boolean {
  return error instanceof InvalidArgumentError || error.code === GrpcStatus.INVALID_ARGUMENT;
}

export function toActualRevision(actual: bigint | 'no_stream'): ActualRevision {
  // The server reports a missing stream either as `no_stream` or as -1 (gRPC error metadata).
  return actual === 'no_stream' || actual < 0n ? 'no_stream' : Number(actual);
}

/** EventStoreDB's expected version, as reported in wrong-expected-version error metadata. */
export function toExpectedRevision(
  expected: bigint | 'any' | 'no_stream' | 'stream_exists',
): ExpectedRevision {
  if (typeof expected !== 'bigint') return expected;
  if (expected >= 0n) return Number(expected);
  if (expected === -1n) return 'no_stream';
  if (expected === -4n) return 'stream_exists';
  return 'any';
}

function asCommandError(error: unknown): CommandError | undefined {
  if (!(error instanceof Error) && !isServiceErrorLike(error)) return undefined;
  const converted = convertToCommandError(error as Error);
  return isCommandError(converted) ? converted : undefined;
}

function isServiceErrorLike(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'number'
  );
}

function streamNameOf(error: CommandError): string | undefined {
  return 'streamName' in error && typeof error.streamName === 'string' ? error.streamName : undefined;
}
