import { resolve } from 'node:path';
import { eventStoreDbConnectionStringProblem, redactUrl, type EventStoreConfig } from '@kb/event-store';
import { LAG_COUNT_LIMIT, type ReadModelDatabaseConfig } from '@kb/read-models';
import { DEFAULT_DASHBOARD_DIR } from '../dashboard/dashboard-assets';
import { readDeadlineConfig, type DeadlineConfig } from '../deadlines/deadline-config';
import { parseCorsOrigins } from '../http/cors';
import { DEFAULT_MAX_IN_FLIGHT } from '../http/load-shedding';
import { DEFAULT_REQUEST_BUDGET, type RequestBudgetConfig } from '../http/request-budget';
import type { LogsConfig } from '../http/request-log';
import { defaultLogLevel, LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevelName } from './log-levels';

/**
 * What a process does (KB_ROLES): `api` serves GraphQL and the HTTP intake, `projector` applies the
 * events to the read models, `webhooks` delivers them. Every process serves /health and /metrics.
 */
export type ProcessRole = 'api' | 'projector' | 'webhooks';
export const PROCESS_ROLES: readonly ProcessRole[] = ['api', 'projector', 'webhooks'];

/** The service's configuration, read once from the environment (see README, "Configuration"). */
export interface AppConfig {
  readonly port: number;
  /** KB_ROLES (default all three, one process as `npm start` runs it). */
  readonly roles: ReadonlySet<ProcessRole>;
  readonly dataDir: string;
  readonly eventStore: EventStoreConfig;
  /** Where the read models live: PostgreSQL when DATABASE_URL is set, else SQLite under DATA_DIR. */
  readonly readModels: ReadModelDatabaseConfig;
  /** Secret of an ADMIN key that exists from start-up (docs/adr/0005-api-keys.md). */
  readonly bootstrapApiKey?: string;
  readonly graphql: {
    /** GRAPHQL_INTROSPECTION (default false when NODE_ENV is production, its default; else true). */
    readonly introspection: boolean;
    /** Stack traces in error responses: only when NODE_ENV=development. */
    readonly includeStackTraces: boolean;
    /** GRAPHQL_MAX_IN_FLIGHT: requests worked on at once; the next get 503 (see http/load-shedding.ts). */
    readonly maxInFlight: number;
  };
  /** METRICS_KEY: when set, GET /metrics asks for `Authorization: Bearer <it>` (metrics/metrics.controller.ts). */
  readonly metricsKey?: string;
  readonly webhooks: {
    /**
     * WEBHOOK_ALLOW_PRIVATE (default false): plain `http://` webhook URLs, and deliveries to loopback,
     * private, link-local and metadata addresses. For tests and local development only.
     */
    readonly allowPrivate: boolean;
    /** WEBHOOK_TIMEOUT_MS (default 10,000): one delivery attempt, connect to answer. */
    readonly timeoutMs: number;
    /** WEBHOOK_FIRST_RETRY_MS (default 1,000): the wait after a first failure; each later one doubles. */
    readonly firstRetryMs: number;
    /** WEBHOOK_MAX_RETRY_DELAY_MS (default 3,600,000): the longest wait between two attempts. */
    readonly maxRetryDelayMs: number;
    /** WEBHOOK_RETRY_WINDOW_HOURS (default 24): how long a delivery is retried before it is FAILED. */
    readonly retryWindowMs: number;
  };
  /** LOG_LEVEL, LOG_FORMAT (docs/operations/logs-cors-and-rate-limits.md). */
  readonly logs: LogsConfig;
  /** CORS_ORIGINS: the browser origins that may call the API; none by default (no CORS headers). */
  readonly corsOrigins: readonly string[];
  /** RATE_LIMIT_PER_SECOND and RATE_LIMIT_BURST: each API key's request budget; null when off. */
  readonly requestBudget: RequestBudgetConfig | null;
  /** GET /health/ready (docs/operations/health-and-shutdown.md). */
  readonly readiness: {
    /** READY_MAX_PROJECTION_LAG (default 1000): events a projection may be behind and still be ready. */
    readonly maxProjectionLag: number;
  };
  /** The postmortem policy and the deadline watcher (docs/operations/deadlines.md). */
  readonly deadlines: DeadlineConfig;
  /** What SIGTERM and SIGINT do (docs/operations/health-and-shutdown.md). */
  /** DASHBOARD_DIR (default dist/dashboard of the package): where `npm run build` put the web page. */
  readonly dashboardDir: string;
  readonly shutdown: {
    /** SHUTDOWN_DRAIN_MS (default 5,000): after SIGTERM, serve on while readiness says 503. */
    readonly drainMs: number;
    /** SHUTDOWN_TIMEOUT_MS (default 10,000): from the signal to the exit, whatever is still open. */
    readonly timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `The service cannot start, its configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Reads and checks every variable, and reports all problems at once rather than the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const raw = env[name];
    return raw === undefined || raw.trim() === '' ? undefined : raw.trim();
  };

  const portText = value('PORT') ?? '3000';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    problems.push(`PORT must be a whole number from 1 to 65535, not '${portText}'.`);

  const maxInFlightText = value('GRAPHQL_MAX_IN_FLIGHT') ?? String(DEFAULT_MAX_IN_FLIGHT);
  const maxInFlight = Number(maxInFlightText);
  if (!/^\d+$/.test(maxInFlightText) || maxInFlight < 1 || maxInFlight > 100_000)
    problems.push(
      `GRAPHQL_MAX_IN_FLIGHT must be a whole number from 1 to 100000, not '${maxInFlightText.slice(0, 40)}'.`,
    );

  const dataDir = resolve(value('DATA_DIR') ?? './data');

  const rolesText = value('KB_ROLES') ?? PROCESS_ROLES.join(',');
  const roleNames = rolesText.split(',').map((role) => role.trim().toLowerCase());
  const unknownRoles = roleNames.filter((role) => !(PROCESS_ROLES as readonly string[]).includes(role));
  if (unknownRoles.length > 0 || roleNames.length === 0)
    problems.push(
      `KB_ROLES must be a comma-separated list of ${PROCESS_ROLES.join(', ')}, not '${rolesText.slice(0, 60)}'.`,
    );
  const roles = new Set(roleNames.filter((role): role is ProcessRole => !unknownRoles.includes(role)));

  const eventStoreUrl = value('EVENTSTORE_URL');
  if (eventStoreUrl !== undefined) {
    const problem = /^esdb(\+discover)?:\/\/.+/.test(eventStoreUrl)
      ? eventStoreDbConnectionStringProblem(eventStoreUrl)
      : `it must start with 'esdb://' or 'esdb+discover://'`;
    if (problem !== undefined)
      problems.push(
        `EVENTSTORE_URL must be an EventStoreDB connection string such as 'esdb://localhost:2113?tls=false' (${problem.replace(/\.$/, '')}), not '${redactUrl(eventStoreUrl)}'.`,
      );
  }

  const databaseUrl = value('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\/.+/.test(databaseUrl))
    problems.push(
      `DATABASE_URL must be a PostgreSQL URL such as 'postgres://user@host:5432/db', not '${redact(databaseUrl)}'.`,
    );

  const bootstrapApiKey = value('KB_BOOTSTRAP_API_KEY');
  if (bootstrapApiKey !== undefined && bootstrapApiKey.length < 16)
    problems.push('KB_BOOTSTRAP_API_KEY must be at least 16 characters long.');
  // It is sent as `Authorization: Bearer <secret>`: one header token.
  else if (bootstrapApiKey !== undefined && (/\s/.test(bootstrapApiKey) || bootstrapApiKey.length > 512))
    problems.push('KB_BOOTSTRAP_API_KEY must be at most 512 characters long, with no spaces.');

  // A scrape credential, not an API key (Prometheus sends one static bearer token): the same shape.
  const metricsKey = value('METRICS_KEY');
  if (
    metricsKey !== undefined &&
    (metricsKey.length < 16 || metricsKey.length > 512 || /\s/.test(metricsKey))
  )
    problems.push('METRICS_KEY must be 16 to 512 characters long, with no spaces.');

  // Off by default in production (what the service runs as unless NODE_ENV says otherwise): the whole
  // schema is a map for an attacker; portals and tools turn it on with GRAPHQL_INTROSPECTION=true.
  const production = (value('NODE_ENV') ?? 'production') === 'production';
  const introspectionText = (value('GRAPHQL_INTROSPECTION') ?? String(!production)).toLowerCase();
  if (!['true', 'false'].includes(introspectionText))
    problems.push(`GRAPHQL_INTROSPECTION must be 'true' or 'false', not '${introspectionText}'.`);

  // Off unless asked for: with it, an ADMIN key can make the service send requests into its own
  // network (request forgery). Only a clear 'true' or 'false'; a typo must not silently pick one.
  const allowPrivateText = (value('WEBHOOK_ALLOW_PRIVATE') ?? 'false').toLowerCase();
  if (!['true', 'false'].includes(allowPrivateText))
    problems.push(`WEBHOOK_ALLOW_PRIVATE must be 'true' or 'false', not '${allowPrivateText.slice(0, 40)}'.`);

  // Delivery timing: whole milliseconds within sane bounds, the window in (fractional) hours.
  const milliseconds = (name: string, fallback: number, min: number, max: number): number => {
    const text = value(name) ?? String(fallback);
    const parsed = Number(text);
    if (!/^\d+$/.test(text) || parsed < min || parsed > max) {
      problems.push(
        `${name} must be a whole number of milliseconds from ${min} to ${max}, not '${text.slice(0, 40)}'.`,
      );
      return fallback;
    }
    return parsed;
  };
  const timeoutMs = milliseconds('WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000);
  const firstRetryMs = milliseconds('WEBHOOK_FIRST_RETRY_MS', 1_000, 10, 3_600_000);
  const maxRetryDelayMs = milliseconds('WEBHOOK_MAX_RETRY_DELAY_MS', 3_600_000, 10, 86_400_000);
  if (maxRetryDelayMs < firstRetryMs)
    problems.push('WEBHOOK_MAX_RETRY_DELAY_MS must not be below WEBHOOK_FIRST_RETRY_MS.');
  const windowText = value('WEBHOOK_RETRY_WINDOW_HOURS') ?? '24';
  const windowHours = Number(windowText);
  if (!/^\d+(\.\d+)?$/.test(windowText) || windowHours <= 0 || windowHours > 24 * 30)
    problems.push(
      `WEBHOOK_RETRY_WINDOW_HOURS must be a number of hours above 0 and at most 720, not '${windowText.slice(0, 40)}'.`,
    );

  const logLevel = (value('LOG_LEVEL') ?? defaultLogLevel(value('NODE_ENV'))).toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel))
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not '${logLevel.slice(0, 40)}'.`);
  const logFormat = value('LOG_FORMAT')?.toLowerCase();
  if (logFormat !== undefined && !(LOG_FORMATS as readonly string[]).includes(logFormat))
    problems.push(`LOG_FORMAT must be ${LOG_FORMATS.join(' or ')}, not '${logFormat.slice(0, 40)}'.`);

  const cors = parseCorsOrigins(value('CORS_ORIGINS'));
  problems.push(...cors.problems);

  // A budget per API key: requests a second (0 turns it off) and the burst after a pause.
  const perSecondText = value('RATE_LIMIT_PER_SECOND') ?? String(DEFAULT_REQUEST_BUDGET.perSecond);
  const perSecond = Number(perSecondText);
  if (!/^\d+(\.\d+)?$/.test(perSecondText) || perSecond > 100_000)
    problems.push(
      `RATE_LIMIT_PER_SECOND must be a number of requests a second from 0 (no limit) to 100000, not '${perSecondText.slice(0, 40)}'.`,
    );
  const burstText = value('RATE_LIMIT_BURST') ?? String(DEFAULT_REQUEST_BUDGET.burst);
  const burst = Number(burstText);
  if (!/^\d+$/.test(burstText) || burst < 1 || burst > 1_000_000)
    problems.push(
      `RATE_LIMIT_BURST must be a whole number of requests from 1 to 1000000, not '${burstText.slice(0, 40)}'.`,
    );

  // Lag is counted up to LAG_COUNT_LIMIT events: a threshold at or above it could never be passed.
  const maxLagText = value('READY_MAX_PROJECTION_LAG') ?? '1000';
  const maxProjectionLag = Number(maxLagText);
  if (!/^\d+$/.test(maxLagText) || maxProjectionLag >= LAG_COUNT_LIMIT)
    problems.push(
      `READY_MAX_PROJECTION_LAG must be a whole number of events from 0 to ${LAG_COUNT_LIMIT - 1} (lag is counted up to ${LAG_COUNT_LIMIT}), not '${maxLagText.slice(0, 40)}'.`,
    );
  const drainMs = milliseconds('SHUTDOWN_DRAIN_MS', 5_000, 0, 300_000);
  const shutdownTimeoutMs = milliseconds('SHUTDOWN_TIMEOUT_MS', 10_000, 1_000, 600_000);
  if (drainMs >= shutdownTimeoutMs)
    problems.push(
      `SHUTDOWN_DRAIN_MS (${drainMs}) must be below SHUTDOWN_TIMEOUT_MS (${shutdownTimeoutMs}): the timeout counts from the signal, the drain included, and closing needs time after the drain.`,
    );

  const deadlines = readDeadlineConfig(value, problems);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    roles,
    dataDir,
    eventStore:
      eventStoreUrl === undefined
        ? { kind: 'embedded', file: resolve(dataDir, 'events.db') }
        : { kind: 'eventstoredb', connectionString: eventStoreUrl },
    readModels:
      databaseUrl === undefined
        ? { kind: 'sqlite', file: resolve(dataDir, 'read-models.db') }
        : { kind: 'postgres', url: databaseUrl },
    bootstrapApiKey,
    metricsKey,
    graphql: {
      introspection: introspectionText !== 'false',
      includeStackTraces: value('NODE_ENV') === 'development',
      maxInFlight,
    },
    webhooks: {
      allowPrivate: allowPrivateText === 'true',
      timeoutMs,
      firstRetryMs,
      maxRetryDelayMs,
      retryWindowMs: Math.round(windowHours * 3_600_000),
    },
    logs: { level: logLevel as LogLevelName, format: logFormat as LogFormat | undefined },
    corsOrigins: cors.origins,
    requestBudget: perSecond === 0 ? null : { perSecond, burst },
    readiness: { maxProjectionLag },
    shutdown: { drainMs, timeoutMs: shutdownTimeoutMs },
    deadlines,
    dashboardDir: resolve(value('DASHBOARD_DIR') ?? DEFAULT_DASHBOARD_DIR),
  };
}

/** Hides a password in a URL (`***`; the user stays), for messages and logs. */
export const redact = redactUrl;
