import { Metadata, status } from '@grpc/grpc-js';
import {
  AccessDeniedError,
  MaxAppendSizeExceededError,
  StreamDeletedError as ClientStreamDeletedError,
  StreamNotFoundError as ClientStreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  AppendTooLargeError,
  EventStoreUnavailableError,
  InvalidEventStoreInputError,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
} from '../errors';
import {
  isPermanentSubscriptionFailure,
  toActualRevision,
  toEventStoreError,
  toExpectedRevision,
} from './esdb-errors.mapper';

function serviceError(code: status, details: string, trailers: Record<string, string> = {}) {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

describe('mapping @eventstore/db-client errors to the port', () => {
  it('wrong expected version from an append response keeps the caller stream and expectation', () => {
    const error = new ClientWrongExpectedVersionError(undefined, {
      streamName: 's-1',
      expected: 3n,
      current: 'no_stream',
    });
    const mapped = toEventStoreError(error, { streamId: 's-1', expected: 3 });
    expect(mapped).toBeInstanceOf(WrongExpectedVersionError);
    expect(mapped).toMatchObject({ streamId: 's-1', expected: 3, actual: 'no_stream' });
  });

  it('wrong expected version from gRPC metadata (delete): -1 means no stream', () => {
    const raw = serviceError(status.FAILED_PRECONDITION, 'wev', {
      exception: 'wrong-expected-version',
      'stream-name': 's-2',
      'expected-version': '-4',
      'actual-version': '-1',
    });
    expect(toEventStoreError(raw)).toMatchObject({
      streamId: 's-2',
      expected: 'stream_exists',
      actual: 'no_stream',
    });
    const behind = serviceError(status.FAILED_PRECONDITION, 'wev', {
      exception: 'wrong-expected-version',
      'stream-name': 's-2',
      'expected-version': '0',
      'actual-version': '4',
    });
    expect(toEventStoreError(behind, { streamId: 's-2' })).toMatchObject({ expected: 0, actual: 4 });
  });

  it('not found, deleted and too large name the caller stream', () => {
    expect(toEventStoreError(new ClientStreamNotFoundError(undefined, '$$s-3'), { streamId: 's-3' })).toEqual(
      new StreamNotFoundError('s-3'),
    );
    const deleted = toEventStoreError(ClientStreamDeletedError.fromStreamName('s-4'));
    expect(deleted).toBeInstanceOf(StreamDeletedError);
    expect(deleted).toMatchObject({ streamId: 's-4' });
    const tooLarge = toEventStoreError(MaxAppendSizeExceededError.fromMaxAppendSize(1024), {
      streamId: 's-5',
    });
    expect(tooLarge).toBeInstanceOf(AppendTooLargeError);
    expect(tooLarge).toMatchObject({ streamId: 's-5', sizeBytes: undefined, maxAppendSizeBytes: 1024 });
  });

  it.each([
    ['unavailable', status.UNAVAILABLE],
    ['deadline exceeded', status.DEADLINE_EXCEEDED],
    ['cancelled by the server', status.CANCELLED],
    ['unknown', status.UNKNOWN],
  ])('connection failures (%s) are unavailable, with the cause kept', (_label, code) => {
    const raw = serviceError(code, 'boom');
    const mapped = toEventStoreError(raw);
    expect(mapped).toBeInstanceOf(EventStoreUnavailableError);
    expect((mapped as Error & { cause?: unknown }).cause).toBeDefined();
  });

  it('invalid arguments are invalid input; access denied is unavailable', () => {
    expect(toEventStoreError(serviceError(status.INVALID_ARGUMENT, 'bad'))).toBeInstanceOf(
      InvalidEventStoreInputError,
    );
    expect(toEventStoreError(new AccessDeniedError())).toBeInstanceOf(EventStoreUnavailableError);
  });

  it('leaves port errors and errors from elsewhere as they are', () => {
    const port = new StreamNotFoundError('x');
    const bug = new TypeError('bug');
    expect(toEventStoreError(port)).toBe(port);
    expect(toEventStoreError(bug)).toBe(bug);
  });

  it('tells permanent subscription failures from ones worth a resubscription', () => {
    expect(isPermanentSubscriptionFailure(ClientStreamDeletedError.fromStreamName('s'))).toBe(true);
    expect(isPermanentSubscriptionFailure(new AccessDeniedError())).toBe(true);
    expect(isPermanentSubscriptionFailure(serviceError(status.INVALID_ARGUMENT, 'bad'))).toBe(true);
    expect(isPermanentSubscriptionFailure(new StreamDeletedError('s'))).toBe(true);
    expect(isPermanentSubscriptionFailure(serviceError(status.UNAVAILABLE, 'restart'))).toBe(false);
    expect(isPermanentSubscriptionFailure(serviceError(status.ABORTED, 'too slow'))).toBe(false);
    expect(isPermanentSubscriptionFailure(serviceError(status.CANCELLED, 'dropped'))).toBe(false);
    expect(isPermanentSubscriptionFailure(new EventStoreUnavailableError('down'))).toBe(false);
  });

  it('maps revisions reported by the server', () => {
    expect(toActualRevision('no_stream')).toBe('no_stream');
    expect(toActualRevision(-1n)).toBe('no_stream');
    expect(toActualRevision(7n)).toBe(7);
    expect(toExpectedRevision(-2n)).toBe('any');
    expect(toExpectedRevision(-1n)).toBe('no_stream');
    expect(toExpectedRevision(-4n)).toBe('stream_exists');
    expect(toExpectedRevision(5n)).toBe(5);
    expect(toExpectedRevision('stream_exists')).toBe('stream_exists');
  });
});
