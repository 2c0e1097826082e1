import type { ExpectedRevision } from './event-store.port';

/** The revision a stream actually has, as reported by a concurrency failure. */
export type ActualRevision = number | 'no_stream';

/** Base of every error the event store port throws on purpose. `code` is stable; match on it. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class WrongExpectedVersionError extends EventStoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: ActualRevision,
  ) {
    super(
      `Append to stream '${streamId}' expected revision ${String(expected)}, but the stream is at ${String(actual)}.`,
    );
  }
}

export class StreamNotFoundError extends EventStoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' was not found.`);
  }
}

export class StreamDeletedError extends EventStoreError {
  readonly code = 'STREAM_DELETED';
  constructor(readonly streamId: string) {
    super(`Stream '${streamId}' has been permanently deleted (tombstoned).`);
  }
}

export class AppendTooLargeError extends EventStoreError {
  readonly code = 'APPEND_TOO_LARGE';
  constructor(
    readonly streamId: string,
    readonly sizeBytes: number | undefined,
    readonly maxAppendSizeBytes: number,
  ) {
    super(
      `Append to stream '${streamId}' is ${sizeBytes === undefined ? 'over' : `${sizeBytes} bytes, over`} the limit of ${maxAppendSizeBytes} bytes.`,
    );
  }
}

/** Input that can never be valid. `field` names the argument, `rule` the rule it broke. */
export class InvalidEventStoreInputError extends EventStoreError {
  readonly code = 'INVALID_INPUT';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`Invalid ${field}: ${rule}.`);
  }
}

/** The store could not be reached or failed underneath (I/O, connection). The operation may be retried. */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
