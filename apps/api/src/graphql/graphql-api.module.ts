import { requestCorrelationId } from '../http/correlation-id';
import { requestLogPlugin } from '../http/request-log';
import type { IncomingMessage } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { formatApiError, serviceUnavailableStatusPlugin, unauthenticated } from './api-errors';
import { ApiKeyAuthenticator } from '../auth/api-key.authenticator';
import { AuthModule } from '../auth/auth.module';
import type { ApiContext } from './api-context';
import { PARSE_OPTIONS, QUERY_LIMIT_RULES, queryCostPlugin, tokenLimitAsTooComplex } from './query-limits';
import { JitExecution } from './jit-execution';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApiKeyRevocations } from './websocket/api-key-revocations';
import { GRAPHQL_WS_OPTIONS, GraphQLWsServer } from './websocket/graphql-ws.server';
import { ReadModelLoaders } from '../read-side/read-model-loaders';
import { graphqlMetricsPlugin } from '../metrics/graphql-metrics.plugin';
import { ServiceMetrics } from '../metrics/service-metrics';
import { RolesGuard } from './roles.guard';
import { DateTimeScalar, JSONScalar } from './scalars';

export interface GraphQLApiOptions {
  /** Schema introspection (portals and tools use it); GRAPHQL_INTROSPECTION=false turns it off. */
  readonly introspection: boolean;
  /** Stack traces in error responses: only with NODE_ENV=development. */
  readonly includeStackTraces: boolean;
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
          inject: [ApiKeyAuthenticator, READ_MODEL_DATA_SOURCE, GraphQLSchemaHost, ServiceMetrics],
          useFactory: (
            authenticator: ApiKeyAuthenticator,
            dataSource: DataSource,
            schemaHost: GraphQLSchemaHost,
            metrics: ServiceMetrics,
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
            // Limits before anything runs (ADR 0009): the parser stops at the token limit, then depth,
            // aliases, root fields and directives are validation rules, and the cost a plugin.
            parseOptions: PARSE_OPTIONS,
            validationRules: [...QUERY_LIMIT_RULES],
            // No cache hints are used; Apollo's default cache-control plugin would still instrument
            // every field of every answer (a third of the time of a 13,000-point trend report).
            plugins: [
              graphqlMetricsPlugin(metrics),
              queryCostPlugin,
              serviceUnavailableStatusPlugin,
              ApolloServerPluginCacheControlDisabled(),
              requestLogPlugin,
            ],
            formatError: (formatted, error) =>
              formatApiError(tokenLimitAsTooComplex(formatted), error, options.includeStackTraces),
            // Over HTTP only: subscriptions are served by GraphQLWsServer, with its own context.
            context: async ({ req }: { req: IncomingMessage }): Promise<ApiContext> => {
              const principal = await authenticator.authenticate(req.headers.authorization);
              if (!principal) throw unauthenticated();
              return {
                principal,
                correlationId: requestCorrelationId(req),
                loaders: new ReadModelLoaders(dataSource),
              };
            },
          }),
        }),
        AuthModule,
      ],
      global: true,
      providers: [
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: GRAPHQL_WS_OPTIONS, useValue: { includeStackTraces: options.includeStackTraces } },
        ApiKeyRevocations,
        GraphQLWsServer,
      ],
      exports: [ApiKeyRevocations],
    };
  }
}
