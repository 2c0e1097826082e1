import type { INestApplication, LoggerService } from '@nestjs/common';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, LoggerModule } from 'nestjs-pino';
import type { DestinationStream, Logger as PinoLogger } from 'pino';
import { alertmanagerBody, ALERTMANAGER_PATH } from './alertmanager/alertmanager-body';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { prepareDataDirOf } from './config/data-dir';
import { correlationIdHeader } from './http/correlation-id';
import { corsFor } from './http/cors';
import { loadShedding } from './http/load-shedding';
import { httpMetrics } from './metrics/http-metrics';
import { ServiceMetrics } from './metrics/service-metrics';
import { requestBudget, type RequestBudget } from './http/request-budget';
import { REQUEST_BUDGET } from './http/request-budget.module';
import { createServiceLogger, noteErrorCode, requestLogging } from './http/request-log';

/** Largest request body accepted (GraphQL documents with their variables); larger ones get 413. */
export const MAX_REQUEST_BODY = '1mb';

/**
 * The HTTP application as it is served: used by `main.ts` and by the end-to-end tests alike. It logs
 * with pino (http/request-log.ts) to stdout, or to `logDestination`; a `logger` given instead (a
 * test's, or `false` for none) takes every line, and no request lines are written.
 */
export async function createApp(
  config: AppConfig,
  options: { logger?: false | LoggerService; logDestination?: DestinationStream } = {},
): Promise<INestApplication> {
  const log =
    options.logger === undefined ? createServiceLogger(config.logs, options.logDestination) : undefined;
  prepareDataDirOf(config, log && { warn: (message) => log.warn({ context: 'DataDir' }, message) });
  const app = await NestFactory.create<NestExpressApplication>(
    withLogs(AppModule.register(config), log),
    log ? { bufferLogs: true } : { logger: options.logger },
  );
  if (log) app.useLogger(app.get(Logger));
  // First: every request is timed, those refused below included (metrics/http-metrics.ts).
  app.use(httpMetrics(app.get(ServiceMetrics)));
  // Then the correlation id, the request's log line and CORS, so that every answer below has them.
  app.use(correlationIdHeader);
  if (log) app.use(requestLogging(log));
  if (config.corsOrigins.length > 0) app.use(corsFor(config.corsOrigins));
  // Before the body is read: a caller over its budget, or an overloaded service, refuses at no cost.
  const budget = app.get<RequestBudget | null>(REQUEST_BUDGET);
  if (budget)
    app.use(
      ['/graphql', ALERTMANAGER_PATH],
      requestBudget(budget, (req) => noteErrorCode(req, 'RATE_LIMITED')),
    );
  app.use('/graphql', loadShedding(config.graphql.maxInFlight));
  // Alertmanager's notifications are read by their own parser, whose refusals say what to change.
  app.use(ALERTMANAGER_PATH, alertmanagerBody());
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  // No enableShutdownHooks: main.ts stops the service in order on SIGTERM (shutdown/graceful-shutdown.ts).
  return app;
}

@Module({})
class LoggedAppModule {}

/**
 * The application with nestjs-pino's Logger (Nest's own lines as JSON). Its middleware only makes
 * each request's logger (with its correlation id) the one Nest's lines use while it is worked on;
 * the request lines are written by `requestLogging`, ahead of every other middleware.
 */
function withLogs(app: DynamicModule, log: PinoLogger | undefined): DynamicModule {
  if (!log) return app;
  return {
    module: LoggedAppModule,
    imports: [app, LoggerModule.forRoot({ pinoHttp: { logger: log }, useExisting: true })],
  };
}
