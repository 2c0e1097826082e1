import type { ServerErrorResponse, handleUnaryCall } from '@grpc/grpc-js';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import {
  DeleteReq,
  DeleteResp,
  TombstoneReq,
  TombstoneResp,
} from '@eventstore/db-client/generated/streams_pb';
import type { DeleteResult, EventStore } from '../../src';
import { accessDenied, toStatusError } from './esdb-grpc-errors';
import { WireError, expectedRevisionOf, streamNameOf, toLogPosition } from './esdb-wire.mapper';

type Track = <T>(work: Promise<T>) => Promise<T>;

/** Streams.Delete: a soft delete. Failures are gRPC errors, wrong expected version included. */
export function deleteHandler(store: EventStore, track: Track): handleUnaryCall<DeleteReq, DeleteResp> {
  return (call, callback) => {
    const options = call.request.getOptions();
    const streamName = streamNameOf(options?.getStreamIdentifier());
    void track(
      remove(streamName, options, (expectedRevision) => store.deleteStream(streamName, { expectedRevision })),
    ).then(
      (result) => callback(null, withPosition(new DeleteResp(), new DeleteResp.Position(), result)),
      (error: ServerErrorResponse) => callback(error),
    );
  };
}

/** Streams.Tombstone: a hard delete. */
export function tombstoneHandler(
  store: EventStore,
  track: Track,
): handleUnaryCall<TombstoneReq, TombstoneResp> {
  return (call, callback) => {
    const options = call.request.getOptions();
    const streamName = streamNameOf(options?.getStreamIdentifier());
    void track(
      remove(streamName, options, (expectedRevision) =>
        store.tombstoneStream(streamName, { expectedRevision }),
      ),
    ).then(
      (result) => callback(null, withPosition(new TombstoneResp(), new TombstoneResp.Position(), result)),
      (error: ServerErrorResponse) => callback(error),
    );
  };
}

async function remove(
  streamName: string,
  options: DeleteReq.Options | TombstoneReq.Options | undefined,
  run: (expected: ReturnType<typeof expectedRevisionOf>) => Promise<DeleteResult>,
): Promise<DeleteResult> {
  try {
    if (!options) throw new WireError('A delete needs options.');
    if (streamName.startsWith('$')) throw accessDenied();
    return await run(expectedRevisionOf(options));
  } catch (error) {
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'number') throw error;
    throw toStatusError(error, streamName);
  }
}

interface PositionMessage {
  setCommitPosition(value: string): unknown;
  setPreparePosition(value: string): unknown;
}

function withPosition<
  R extends { setPosition(position: P): unknown; setNoPosition(empty: Empty): unknown },
  P extends PositionMessage,
>(response: R, position: P, result: DeleteResult): R {
  if (result.position === undefined) {
    response.setNoPosition(new Empty());
    return response;
  }
  const logPosition = toLogPosition(result.position).toString();
  position.setCommitPosition(logPosition);
  position.setPreparePosition(logPosition);
  response.setPosition(position);
  return response;
}
