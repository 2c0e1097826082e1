/** LOG_LEVEL's values: pino's levels, from the fewest lines to the most. */
export const LOG_LEVELS = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** LOG_FORMAT's values: JSON lines for machines, pino-pretty for a person at a terminal. */
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/**
 * What the service logs when LOG_LEVEL does not say: info, and debug with NODE_ENV=development (each
 * client error, a bad cursor, a FORBIDDEN, a 404, is a debug line: no failure of the service).
 */
export function defaultLogLevel(nodeEnv: string | undefined): LogLevelName {
  return nodeEnv === 'development' ? 'debug' : 'info';
}
