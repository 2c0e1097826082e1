import type { ServerErrorResponse, handleClientStreamingCall } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, AppendResp } from '@eventstore/db-client/generated/streams_pb';
import {
  WrongExpectedVersionError,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type Position,
} from '../../src';
import { accessDenied, toStatusError } from './esdb-grpc-errors';
import {
  WireError,
  expectedRevisionOf,
  fromProposedMessage,
  fromWireMetadata,
  streamNameOf,
  toLogPosition,
} from './esdb-wire.mapper';

const METADATA_EVENT_TYPE = '$metadata';

/**
 * Streams.Append: the options first, then the proposed messages. A concurrency failure is a normal
 * response (`wrong_expected_version`), as the server sends it; other failures are gRPC errors.
 * Appends to `$$<stream>` set the stream's metadata.
 */
export function appendHandler(
  store: EventStore,
  track: <T>(work: Promise<T>) => Promise<T>,
): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    const requests: AppendReq[] = [];
    call.on('data', (request: AppendReq) => requests.push(request));
    call.on('error', () => undefined);
    call.on('end', () => {
      void track(append(store, requests)).then(
        (response) => callback(null, response),
        (error: ServerErrorResponse) => callback(error),
      );
    });
  };
}

async function append(store: EventStore, requests: AppendReq[]): Promise<AppendResp> {
  const [header, ...messages] = requests;
  const options = header?.getOptions();
  let streamName = '';
  try {
    if (!options) throw new WireError('An append must start with its options.');
    streamName = streamNameOf(options.getStreamIdentifier());
    const expected = expectedRevisionOf(options);
    const events = messages.map(toEvent);
    if (streamName.startsWith('$$'))
      return await appendMetadata(store, streamName.slice(2), events, expected);
    if (streamName.startsWith('$')) throw accessDenied();
    const result = await store.appendToStream(streamName, events, { expectedRevision: expected });
    return success(result.nextExpectedRevision, result.position);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return wrongExpectedVersion(error);
    if (isStatusError(error)) throw error;
    throw toStatusError(error, streamName);
  }
}

async function appendMetadata(
  store: EventStore,
  streamId: string,
  events: EventToAppend[],
  expected: ExpectedRevision,
): Promise<AppendResp> {
  if (events.length !== 1 || events[0].type !== METADATA_EVENT_TYPE)
    throw new WireError(`A metadata stream takes one '${METADATA_EVENT_TYPE}' event at a time.`);
  await store.setStreamMetadata(streamId, fromWireMetadata(events[0].data), { expectedRevision: expected });
  const { metaRevision } = await store.getStreamMetadata(streamId);
  return success(metaRevision ?? 0, undefined);
}

function toEvent(request: AppendReq): EventToAppend {
  const message = request.getProposedMessage();
  if (!message) throw new WireError('After the options, an append takes proposed messages only.');
  return fromProposedMessage(message);
}

function success(revision: number, position: Position | undefined): AppendResp {
  const result = new AppendResp.Success().setCurrentRevision(String(revision));
  if (position === undefined) result.setNoPosition(new Empty());
  else {
    const logPosition = toLogPosition(position).toString();
    result.setPosition(
      new AppendResp.Position().setCommitPosition(logPosition).setPreparePosition(logPosition),
    );
  }
  return new AppendResp().setSuccess(result);
}

function wrongExpectedVersion(error: WrongExpectedVersionError): AppendResp {
  const details = new AppendResp.WrongExpectedVersion();
  if (error.actual === 'no_stream') details.setCurrentNoStream(new Empty());
  else details.setCurrentRevision(String(error.actual));
  const expected = error.expected;
  if (typeof expected === 'number') details.setExpectedRevision(String(expected));
  else if (expected === 'any') details.setExpectedAny(new Empty());
  else if (expected === 'no_stream') details.setExpectedNoStream(new Empty());
  else details.setExpectedStreamExists(new Empty());
  return new AppendResp().setWrongExpectedVersion(details);
}

function isStatusError(error: unknown): error is ServerErrorResponse {
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}
