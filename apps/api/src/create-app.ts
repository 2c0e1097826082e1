import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { alertmanagerBody, ALERTMANAGER_PATH } from './alertmanager/alertmanager-body';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { prepareDataDirOf } from './config/data-dir';
import { logLevelsOf } from './config/log-levels';
import { loadShedding } from './http/load-shedding';

/** Largest request body accepted (GraphQL documents with their variables); larger ones get 413. */
export const MAX_REQUEST_BODY = '1mb';

/** The HTTP application as it is served: used by `main.ts` and by the end-to-end tests alike. */
export async function createApp(
  config: AppConfig,
  options: { logger?: false | LoggerService } = {},
): Promise<INestApplication> {
  prepareDataDirOf(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    logger: options.logger ?? logLevelsOf(config),
  });
  // Before the body is read: an overloaded service refuses at once, at no cost (load-shedding.ts).
  app.use('/graphql', loadShedding(config.graphql.maxInFlight));
  // Alertmanager's notifications are read by their own parser, whose refusals say what to change.
  app.use(ALERTMANAGER_PATH, alertmanagerBody());
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  // No enableShutdownHooks: main.ts stops the service in order on SIGTERM (shutdown/graceful-shutdown.ts).
  return app;
}
