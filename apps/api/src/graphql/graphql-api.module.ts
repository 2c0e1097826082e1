import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { Context as WsContext } from 'graphql-ws';
import type { DataSource } from 'typeorm';
import type { WebSocket } from 'ws';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { formatApiError, unauthenticated } from './api-errors';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { AuthModule } from '../auth/auth.module';
import type { Principal } from '../auth/principal';
import type { ApiContext } from './api-context';
import { depthLimitRule, queryCostPlugin } from './query-limits';
import { JitExecution } from './jit-execution';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { checkSubscribeMessage } from './subscription-documents';
import { EventLogResolver } from '../event-log/event-log.resolver';
import { StreamHistory } from '../event-log/stream-history';
import { ProjectionsResolver } from '../read-side/projections.resolver';
import { SearchResolver } from '../search/search.resolver';
import { ReadModelLoaders } from './read-model-loaders';
import { ReadYourWrites } from './read-your-writes';
import { RolesGuard } from './roles.guard';
import { DateTimeScalar, JSONScalar } from './scalars';

export interface GraphQLApiOptions {
  /** Schema introspection (portals and tools use it); GRAPHQL_INTROSPECTION=false turns it off. */
  readonly introspection: boolean;
  /** Stack traces in error responses: only with NODE_ENV=development. */
  readonly includeStackTraces: boolean;
}

type WsExtra = { socket: WebSocket; request: IncomingMessage; principal?: Principal };

/**
 * How a graphql-ws connection without a valid API key is closed: 4401 Unauthorized with the
 * contract's code first in the reason (close reasons hold at most 123 bytes). graphql-ws's own
 * refusal, 4403 "Forbidden", would read as a role problem.
 */
export const UNAUTHENTICATED_CLOSE = {
  code: 4401,
  reason:
    'UNAUTHENTICATED: no valid API key; send connectionParams {"authorization": "Bearer <secret>"} with a key not revoked',
} as const;

function correlationIdOf(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^[\w.:-]{1,128}$/.test(value) ? value : randomUUID();
}

/**
 * GraphQL at `/graphql` (Apollo Server): queries and mutations over HTTP, subscriptions over
 * graphql-ws on the same path. Every request is authenticated when its context is made
 * (UNAUTHENTICATED otherwise); each operation's role is checked by RolesGuard.
 */
@Module({})
export class GraphQLApiModule {
  static forRoot(options: GraphQLApiOptions): DynamicModule {
    return {
      module: GraphQLApiModule,
      imports: [
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuthModule],
          inject: [ApiKeyAuthenticator, READ_MODEL_DATA_SOURCE, GraphQLSchemaHost],
          useFactory: (
            authenticator: ApiKeyAuthenticator,
            dataSource: DataSource,
            schemaHost: GraphQLSchemaHost,
          ): ApolloDriverConfig => ({
            // Operations over HTTP execute as compiled code (graphql-jit): see jit-execution.ts.
            // Apollo Server takes an executor only as a gateway, which Nest's config type leaves out.
            ...({ gateway: new JitExecution(() => schemaHost.schema) } as Partial<ApolloDriverConfig>),
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            resolvers: { DateTime: DateTimeScalar, JSON: JSONScalar },
            playground: false,
            introspection: options.introspection,
            csrfPrevention: true,
            includeStacktraceInErrorResponses: options.includeStackTraces,
            validationRules: [depthLimitRule],
            // No cache hints are used; Apollo's default cache-control plugin would still instrument
            // every field of every answer (a third of the time of a 13,000-point trend report).
            plugins: [queryCostPlugin, ApolloServerPluginCacheControlDisabled()],
            formatError: (formatted, error) => formatApiError(formatted, error, options.includeStackTraces),
            context: async (
              arg: { req: IncomingMessage } | WsContext<Record<string, unknown>, WsExtra>,
            ): Promise<ApiContext> => {
              if ('req' in arg) {
                const principal = await authenticator.authenticate(arg.req.headers.authorization);
                if (!principal) throw unauthenticated();
                return {
                  principal,
                  correlationId: correlationIdOf(arg.req.headers['x-correlation-id']),
                  loaders: new ReadModelLoaders(dataSource),
                };
              }
              const principal = arg.extra.principal;
              if (!principal) throw unauthenticated();
              return { principal, correlationId: randomUUID(), loaders: new ReadModelLoaders(dataSource) };
            },
            subscriptions: {
              'graphql-ws': {
                path: '/graphql',
                // Checked as over HTTP (graphql-ws validates on its own, without the depth limit).
                onSubscribe: (_ctx, _id, payload) => checkSubscribeMessage(schemaHost.schema, payload),
                // Apollo's formatError does not reach graphql-ws: the same codes and messages here.
                onNext: (_ctx, _id, _payload, _args, result) =>
                  result.errors
                    ? {
                        ...result,
                        errors: result.errors.map((error) =>
                          formatApiError(error.toJSON(), error, options.includeStackTraces),
                        ),
                      }
                    : undefined,
                onConnect: async (ctx: WsContext<Record<string, unknown> | undefined, unknown>) => {
                  const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
                  const principal = await authenticator.authenticate(
                    typeof header === 'string' ? header : undefined,
                  );
                  if (!principal) {
                    (ctx.extra as WsExtra).socket.close(
                      UNAUTHENTICATED_CLOSE.code,
                      UNAUTHENTICATED_CLOSE.reason,
                    );
                    return false;
                  }
                  (ctx.extra as WsExtra).principal = principal;
                  return true;
                },
              },
            },
          }),
        }),
      ],
      global: true,
      providers: [
        { provide: APP_GUARD, useClass: RolesGuard },
        ReadYourWrites,
        StreamHistory,
        EventLogResolver,
        SearchResolver,
        ProjectionsResolver,
      ],
      exports: [ReadYourWrites, StreamHistory],
    };
  }
}
