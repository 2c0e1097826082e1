import type { CallOptions, Metadata, ServiceError } from '@grpc/grpc-js';
import {
  convertToCommandError,
  type BaseOptions,
  type DeleteResult,
  type EventStoreDBClient,
} from '@eventstore/db-client';
import { Empty, StreamIdentifier } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { DeleteReq, type DeleteResp } from '@eventstore/db-client/generated/streams_pb';

/** The client's own (protected) plumbing, which runs a call on its channel with its error handling. */
interface ClientInternals {
  execute<T>(
    client: typeof StreamsClient,
    debugName: string,
    action: (client: StreamsClient) => Promise<T>,
  ): Promise<T>;
  callArguments(options: BaseOptions): [Metadata, CallOptions];
}

/**
 * Soft-deletes a stream expecting it to exist. The server's Delete call accepts `stream_exists`, but
 * `client.deleteStream` (6.x) does not offer it, so this sends the request the client would have
 * sent, through the client's channel and error conversion.
 */
export function deleteStreamExpectingItExists(
  client: EventStoreDBClient,
  streamId: string,
): Promise<DeleteResult> {
  const internals = client as unknown as ClientInternals;
  const options = new DeleteReq.Options();
  options.setStreamIdentifier(new StreamIdentifier().setStreamName(Buffer.from(streamId, 'utf8')));
  options.setStreamExists(new Empty());
  const request = new DeleteReq().setOptions(options);
  return internals.execute(
    StreamsClient,
    'deleteStream',
    (streams) =>
      new Promise<DeleteResult>((resolve, reject) => {
        const [metadata, callOptions] = internals.callArguments({});
        streams.delete(request, metadata, callOptions, (error: ServiceError | null, response: DeleteResp) => {
          if (error) return reject(convertToCommandError(error));
          const position = response.getPosition();
          resolve(
            position
              ? {
                  position: {
                    commit: BigInt(position.getCommitPosition()),
                    prepare: BigInt(position.getPreparePosition()),
                  },
                }
              : {},
          );
        });
      }),
  );
}
