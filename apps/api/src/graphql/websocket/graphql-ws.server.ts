import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiKeyAuthenticator } from '../../auth/api-key.authenticator';
import { budgetCallerOf, type RequestBudget } from '../../http/request-budget';
import { REQUEST_BUDGET } from '../../http/request-budget.module';
import type { Principal } from '../../auth/principal';
import { READ_MODEL_DATA_SOURCE } from '../../read-side/read-side.module';
import type { ApiContext } from '../api-context';
import { formatApiError } from '../api-errors';
import { ReadModelLoaders } from '../../read-side/read-model-loaders';
import { checkSubscribeMessage } from '../subscription-documents';
import { ApiKeyRevocations } from './api-key-revocations';
import {
  GOING_AWAY_CLOSE,
  REVOKED_CLOSE,
  SOCKET_LIMITS,
  TOO_MANY_SOCKETS_CLOSE,
  UNAUTHENTICATED_CLOSE,
} from './live-sockets';

// graphql-ws publishes its ws server only through package exports (`graphql-ws/use/ws`), which this
// project's module resolution (node) does not read for types: the same module, typed from its file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { useServer } = require('graphql-ws/use/ws') as typeof import('graphql-ws/dist/use/ws');

/** Where GraphQL subscriptions are served (the same path as HTTP GraphQL). */
export const GRAPHQL_WS_PATH = '/graphql';
export const GRAPHQL_WS_OPTIONS = Symbol('GRAPHQL_WS_OPTIONS');
export interface GraphQLWsOptions {
  readonly includeStackTraces: boolean;
}

type SocketExtra = {
  socket: WebSocket;
  request: IncomingMessage;
  principal?: Principal;
  authorization?: string;
  /** Ids of the subscriptions accepted on this socket (pruned to those graphql-ws still runs). */
  accepted?: Set<string>;
};
type Ctx = WsContext<Record<string, unknown> | undefined, SocketExtra>;

function authorizationOf(params: Record<string, unknown> | undefined): string | undefined {
  const header = params?.authorization ?? params?.Authorization;
  return typeof header === 'string' ? header : undefined;
}

/**
 * GraphQL subscriptions over graphql-ws at `/graphql`, on a WebSocket server this service owns (Nest's
 * built-in one takes no `maxPayload`, so any message up to ws's 100 MiB default was read):
 * - every message, before and after authentication, is at most SOCKET_LIMITS.maxPayloadBytes;
 * - a connection authenticates with its key in `connectionParams`, and the key is checked again on
 *   every operation; a revoked key's sockets are closed with 4403 (ApiKeyRevocations);
 * - an API key holds at most SOCKET_LIMITS.socketsPerKey sockets, a socket at most
 *   SOCKET_LIMITS.subscriptionsPerSocket subscriptions;
 * - only subscriptions: queries and mutations go over HTTP; documents are checked as over HTTP
 *   (tokens, depth, aliases, cost) before anything runs;
 * - each subscribe message spends the key's request budget (http/request-budget.ts), as a request does.
 */
@Injectable()
export class GraphQLWsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: WebSocketServer | null = null;
  private dispose: (() => void | Promise<void>) | null = null;
  private readonly logger = new Logger('GraphQLWs');

  constructor(
    private readonly httpAdapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly authenticator: ApiKeyAuthenticator,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly revocations: ApiKeyRevocations,
    @Inject(GRAPHQL_WS_OPTIONS) private readonly options: GraphQLWsOptions,
    @Optional() @Inject(REQUEST_BUDGET) private readonly budget: RequestBudget | null = null,
  ) {}

  onApplicationBootstrap(): void {
    const server = new WebSocketServer({
      server: this.httpAdapterHost.httpAdapter.getHttpServer() as HttpServer,
      path: GRAPHQL_WS_PATH,
      maxPayload: SOCKET_LIMITS.maxPayloadBytes,
    });
    this.server = server;
    const sockets = this.revocations.sockets;
    const { dispose } = useServer<Record<string, unknown> | undefined, SocketExtra>(
      {
        schema: this.schemaHost.schema,
        connectionInitWaitTimeout: 3_000,
        onConnect: async (ctx: Ctx) => {
          const authorization = authorizationOf(ctx.connectionParams);
          const principal = await this.authenticator.authenticate(authorization);
          const { socket } = ctx.extra;
          if (!principal) {
            socket.close(UNAUTHENTICATED_CLOSE.code, UNAUTHENTICATED_CLOSE.reason);
            return false;
          }
          if (!sockets.add(principal.apiKeyId, socket)) {
            socket.close(TOO_MANY_SOCKETS_CLOSE.code, TOO_MANY_SOCKETS_CLOSE.reason);
            return false;
          }
          ctx.extra.principal = principal;
          ctx.extra.authorization = authorization;
          return true;
        },
        onClose: (ctx: Ctx) => {
          if (ctx.extra.principal) sockets.remove(ctx.extra.principal.apiKeyId, ctx.extra.socket);
        },
        onSubscribe: async (ctx: Ctx, id, payload) => {
          // A subscribe message spends the key's request budget, as a request over HTTP does.
          const over = this.budget?.take(
            budgetCallerOf(ctx.extra.authorization, ctx.extra.request.socket.remoteAddress),
          );
          if (over)
            return [
              new GraphQLError(over.message, {
                extensions: { code: 'RATE_LIMITED', retryAfterSeconds: over.retryAfterSeconds },
              }),
            ];
          // The key again, on every operation: revoked since the socket opened, the socket closes.
          const principal = await this.authenticator.authenticate(ctx.extra.authorization);
          if (!principal || (await this.revocations.isRevoked(principal.apiKeyId))) {
            ctx.extra.socket.close(REVOKED_CLOSE.code, REVOKED_CLOSE.reason);
            return [new GraphQLError(REVOKED_CLOSE.reason, { extensions: { code: 'UNAUTHENTICATED' } })];
          }
          const accepted = (ctx.extra.accepted ??= new Set());
          for (const running of accepted) if (!(running in ctx.subscriptions)) accepted.delete(running);
          if (accepted.size >= SOCKET_LIMITS.subscriptionsPerSocket)
            return [
              new GraphQLError(
                `This socket already holds ${SOCKET_LIMITS.subscriptionsPerSocket} subscriptions, the most one socket may: complete one first, or open another socket.`,
                { extensions: { code: 'BAD_USER_INPUT', rule: 'subscriptionsPerSocket' } },
              ),
            ];
          const checked = checkSubscribeMessage(this.schemaHost.schema, payload);
          if (Array.isArray(checked)) return checked;
          accepted.add(id);
          const contextValue: ApiContext = {
            principal,
            correlationId: randomUUID(),
            loaders: new ReadModelLoaders(this.dataSource),
          };
          return { ...checked, contextValue };
        },
        // Apollo's formatError does not reach graphql-ws: the same codes and messages here.
        onNext: (_ctx, _id, _payload, _args, result) =>
          result.errors
            ? {
                ...result,
                errors: result.errors.map((error) =>
                  formatApiError(error.toJSON(), error, this.options.includeStackTraces),
                ),
              }
            : undefined,
      },
      server,
    );
    this.dispose = dispose;
    // graphql-ws writes any socket error to the console as "Internal error ... check your
    // implementation"; a message over maxPayload is the client's (ws has already closed the socket
    // with 1009), so it is logged at debug level and anything else as an error, once, here.
    server.on('connection', (socket: WebSocket) => {
      for (const listener of socket.listeners('error'))
        socket.removeListener('error', listener as (error: Error) => void);
      socket.on('error', (error: Error & { code?: string }) => {
        if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH')
          this.logger.debug(
            `Closed a socket that sent a message over ${SOCKET_LIMITS.maxPayloadBytes} bytes`,
          );
        else this.logger.error(`WebSocket error: ${error.message}`, error.stack);
        if (socket.readyState === socket.OPEN) socket.close(1011, 'Internal error');
      });
    });
  }

  /**
   * Closes every socket with 1001 (going away), so clients know to reconnect elsewhere; one that has
   * not finished its closing handshake after GOING_AWAY_CLOSE.waitMs is cut. The graceful shutdown
   * calls it before Nest's close, whose destroy hooks end subscriptions without a close frame (1006).
   */
  async goingAway(): Promise<void> {
    const sockets = [...(this.server?.clients ?? [])].filter((socket) => socket.readyState !== socket.CLOSED);
    if (sockets.length === 0) return;
    this.logger.log(`Closing ${sockets.length} WebSocket(s) with ${GOING_AWAY_CLOSE.code} (going away)`);
    const closed = sockets.map(
      (socket) => new Promise<void>((resolve) => socket.once('close', () => resolve())),
    );
    for (const socket of sockets) socket.close(GOING_AWAY_CLOSE.code, GOING_AWAY_CLOSE.reason);
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'late'>(
      (resolve) => (timer = setTimeout(() => resolve('late'), GOING_AWAY_CLOSE.waitMs)),
    );
    if ((await Promise.race([Promise.all(closed), waited])) === 'late')
      for (const socket of sockets) socket.terminate();
    clearTimeout(timer);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dispose?.();
    this.dispose = null;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    this.server = null;
  }
}
