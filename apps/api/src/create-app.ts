import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { prepareDataDirOf } from './config/data-dir';

/** Largest request body accepted (GraphQL documents with their variables); larger ones get 413. */
export const MAX_REQUEST_BODY = '1mb';

/** The HTTP application as it is served: used by `main.ts` and by the end-to-end tests alike. */
export async function createApp(
  config: AppConfig,
  options: { logger?: false } = {},
): Promise<INestApplication> {
  prepareDataDirOf(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), options);
  app.useBodyParser('json', { limit: MAX_REQUEST_BODY });
  app.enableShutdownHooks();
  return app;
}
