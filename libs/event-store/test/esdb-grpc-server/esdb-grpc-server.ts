import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { StreamsService, type IStreamsServer } from '@eventstore/db-client/generated/streams_grpc_pb';
import type { EventStore } from '../../src';
import { statusError } from './esdb-grpc-errors';
import { appendHandler } from './streams-append.handler';
import { deleteHandler, tombstoneHandler } from './streams-delete.handler';
import { ActiveSubscription, readHandler } from './streams-read.handler';

export interface EsdbGrpcServerOptions {
  /** The store behind the server: the embedded SQLite store (its positions are assumed). */
  readonly store: EventStore;
  /** Default: a free port. Pass the port of a closed server to restart it. */
  readonly port?: number;
}

export interface EsdbGrpcServer {
  /** `esdb://127.0.0.1:<port>?tls=false` */
  readonly connectionString: string;
  readonly port: number;
  /** Subscription calls open right now. */
  readonly openSubscriptions: number;
  /** Events written to subscription calls so far (a paused client holds the server back). */
  readonly subscriptionEventsSent: number;
  /** Ends every open subscription call with UNAVAILABLE, as a restarting server would. */
  dropSubscriptions(): void;
  /** Silences every open subscription call: it stays open but delivers nothing more. */
  stallSubscriptions(): void;
  /** Ends open calls, stops listening and waits for the requests in progress. */
  close(): Promise<void>;
}

/**
 * An in-process EventStoreDB for tests: the Streams gRPC service of the real server, as
 * `@eventstore/db-client` speaks it, on top of an embedded event store. Only Streams is served; the
 * client then falls back to the plain Append call, as with a server without BatchAppend.
 */
export async function startEsdbGrpcServer(options: EsdbGrpcServerOptions): Promise<EsdbGrpcServer> {
  const { store } = options;
  const subscriptions = new Set<ActiveSubscription>();
  let subscriptionEventsSent = 0;
  const registry = {
    add: (subscription: ActiveSubscription) => subscriptions.add(subscription),
    delete: (subscription: ActiveSubscription) => subscriptions.delete(subscription),
    eventSent: () => (subscriptionEventsSent += 1),
  };
  const inProgress = new Set<Promise<unknown>>();
  const track = <T>(work: Promise<T>): Promise<T> => {
    const settled = work.finally(() => inProgress.delete(settled));
    inProgress.add(settled);
    return settled;
  };
  const streams: Omit<IStreamsServer, 'batchAppend'> = {
    read: readHandler(store, registry, track),
    append: appendHandler(store, track),
    delete: deleteHandler(store, track),
    tombstone: tombstoneHandler(store, track),
  };
  const server = new Server();
  server.addService(StreamsService, streams);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(
      `127.0.0.1:${options.port ?? 0}`,
      ServerCredentials.createInsecure(),
      (error, boundPort) => (error ? reject(error) : resolve(boundPort)),
    ),
  );
  const dropAll = () => {
    for (const subscription of subscriptions)
      subscription.drop(statusError(status.UNAVAILABLE, 'Server is shutting down.'));
  };
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    get openSubscriptions() {
      return subscriptions.size;
    },
    get subscriptionEventsSent() {
      return subscriptionEventsSent;
    },
    dropSubscriptions: dropAll,
    stallSubscriptions: () => {
      for (const subscription of subscriptions) subscription.stall();
    },
    close: async () => {
      dropAll();
      server.forceShutdown();
      await Promise.allSettled([...inProgress]);
    },
  };
}
