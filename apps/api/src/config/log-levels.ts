import type { LogLevel } from '@nestjs/common';
import type { AppConfig } from './app-config';

/**
 * What the service logs. Nest prints debug and verbose lines by default; here they (each client
 * error: a bad cursor, a FORBIDDEN, a 404) are printed only with NODE_ENV=development.
 */
export function logLevelsOf(config: Pick<AppConfig, 'graphql'>): LogLevel[] {
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'log'];
  return config.graphql.includeStackTraces ? [...levels, 'debug', 'verbose'] : levels;
}
