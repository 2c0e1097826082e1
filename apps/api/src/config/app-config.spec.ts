import { resolve } from 'node:path';
import { ConfigError, loadConfig, redact } from './app-config';

describe('loadConfig', () => {
  it('runs embedded by default: port 3000, events in ./data/events.db', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      roles: new Set(['api', 'projector', 'webhooks']),
      dataDir: resolve('data'),
      eventStore: { kind: 'embedded', file: resolve('data', 'events.db') },
      readModels: { kind: 'sqlite', file: resolve('data', 'read-models.db') },
      bootstrapApiKey: undefined,
      graphql: { introspection: false, includeStackTraces: false, maxInFlight: 256 },
      webhooks: {
        allowPrivate: false,
        timeoutMs: 10_000,
        firstRetryMs: 1_000,
        maxRetryDelayMs: 3_600_000,
        retryWindowMs: 86_400_000,
      },
      logs: { level: 'info', format: undefined },
      corsOrigins: [],
      requestBudget: { perSecond: 500, burst: 1000 },
      readiness: { maxProjectionLag: 1000 },
      shutdown: { drainMs: 5_000, timeoutMs: 10_000 },
      deadlines: { postmortemPolicy: { SEV1: 5, SEV2: 5 }, scanMs: 60_000 },
      // The repository's own dist/dashboard, wherever the service is started from.
      dashboardDir: resolve(__dirname, '../../../../dist/dashboard'),
    });
  });

  it('serves the dashboard from DASHBOARD_DIR when it is set', () => {
    expect(loadConfig({ DASHBOARD_DIR: '/srv/kb/dashboard' }).dashboardDir).toBe('/srv/kb/dashboard');
  });

  it('reads CORS_ORIGINS as exact origins, and says how to write one that is not', () => {
    expect(
      loadConfig({
        CORS_ORIGINS: 'https://portal.example.com, http://localhost:5173,https://portal.example.com',
      }).corsOrigins,
    ).toEqual(['https://portal.example.com', 'http://localhost:5173']);
    expect(configErrorOf({ CORS_ORIGINS: '*' }).problems).toEqual([
      "CORS_ORIGINS may not be '*': list each browser origin that may call the API, e.g. 'https://portal.example.com,https://admin.example.com'.",
    ]);
    const rule =
      'CORS_ORIGINS entries must be origins: http:// or https://, a host and an optional port, no path, no trailing slash, nothing else;';
    expect(configErrorOf({ CORS_ORIGINS: 'https://portal.example.com/' }).problems).toEqual([
      `${rule} write 'https://portal.example.com', not 'https://portal.example.com/'.`,
    ]);
    expect(configErrorOf({ CORS_ORIGINS: 'HTTPS://Portal.Example.com:443' }).problems).toEqual([
      `${rule} write 'https://portal.example.com', not 'HTTPS://Portal.Example.com:443'.`,
    ]);
    for (const bad of [
      'portal.example.com',
      'ftp://portal.example.com',
      'https://portal.example.com/app',
      'https://u:p@x.com',
    ])
      expect(configErrorOf({ CORS_ORIGINS: bad }).problems).toEqual([`${rule} not '${bad}'.`]);
    expect(configErrorOf({ CORS_ORIGINS: 'https://a.example.com,,https://b.example.com' }).problems).toEqual([
      `${rule} not ''.`,
    ]);
  });

  it('gives every API key a request budget unless RATE_LIMIT_PER_SECOND=0, and names the rule it breaks', () => {
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '2.5', RATE_LIMIT_BURST: '10' }).requestBudget).toEqual({
      perSecond: 2.5,
      burst: 10,
    });
    expect(loadConfig({ RATE_LIMIT_PER_SECOND: '0' }).requestBudget).toBeNull();
    expect(configErrorOf({ RATE_LIMIT_PER_SECOND: '-1', RATE_LIMIT_BURST: '0' }).problems).toEqual([
      "RATE_LIMIT_PER_SECOND must be a number of requests a second from 0 (no limit) to 100000, not '-1'.",
      "RATE_LIMIT_BURST must be a whole number of requests from 1 to 1000000, not '0'.",
    ]);
  });

  it('reads the readiness lag and the shutdown timing, and says which variable is wrong and why', () => {
    const config = loadConfig({
      READY_MAX_PROJECTION_LAG: '0',
      SHUTDOWN_DRAIN_MS: '0',
      SHUTDOWN_TIMEOUT_MS: '30000',
    });
    expect(config.readiness).toEqual({ maxProjectionLag: 0 });
    expect(config.shutdown).toEqual({ drainMs: 0, timeoutMs: 30_000 });
    expect(() => loadConfig({ READY_MAX_PROJECTION_LAG: '4096' })).toThrow(
      "READY_MAX_PROJECTION_LAG must be a whole number of events from 0 to 4095 (lag is counted up to 4096), not '4096'.",
    );
    expect(() => loadConfig({ READY_MAX_PROJECTION_LAG: '-1' })).toThrow('READY_MAX_PROJECTION_LAG must be');
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '5s' })).toThrow(
      "SHUTDOWN_DRAIN_MS must be a whole number of milliseconds from 0 to 300000, not '5s'.",
    );
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '500' })).toThrow(
      "SHUTDOWN_TIMEOUT_MS must be a whole number of milliseconds from 1000 to 600000, not '500'.",
    );
    expect(() => loadConfig({ SHUTDOWN_DRAIN_MS: '10000' })).toThrow(
      'SHUTDOWN_DRAIN_MS (10000) must be below SHUTDOWN_TIMEOUT_MS (10000): the timeout counts from the signal, the drain included, and closing needs time after the drain.',
    );
  });

  it('reads the webhook delivery timing, and says which variable is wrong and why', () => {
    expect(
      loadConfig({
        WEBHOOK_TIMEOUT_MS: '2500',
        WEBHOOK_FIRST_RETRY_MS: '200',
        WEBHOOK_MAX_RETRY_DELAY_MS: '5000',
        WEBHOOK_RETRY_WINDOW_HOURS: '0.5',
      }).webhooks,
    ).toMatchObject({
      timeoutMs: 2_500,
      firstRetryMs: 200,
      maxRetryDelayMs: 5_000,
      retryWindowMs: 1_800_000,
    });
    expect(() => loadConfig({ WEBHOOK_TIMEOUT_MS: '10s' })).toThrow(
      "WEBHOOK_TIMEOUT_MS must be a whole number of milliseconds from 100 to 60000, not '10s'.",
    );
    expect(() => loadConfig({ WEBHOOK_RETRY_WINDOW_HOURS: '0' })).toThrow(
      "WEBHOOK_RETRY_WINDOW_HOURS must be a number of hours above 0 and at most 720, not '0'.",
    );
    expect(() => loadConfig({ WEBHOOK_FIRST_RETRY_MS: '5000', WEBHOOK_MAX_RETRY_DELAY_MS: '1000' })).toThrow(
      'WEBHOOK_MAX_RETRY_DELAY_MS must not be below WEBHOOK_FIRST_RETRY_MS.',
    );
  });

  it('runs every role unless KB_ROLES names some, and names the roles it knows otherwise', () => {
    expect([...loadConfig({ KB_ROLES: 'projector, Webhooks' }).roles]).toEqual(['projector', 'webhooks']);
    expect([...loadConfig({ KB_ROLES: 'api' }).roles]).toEqual(['api']);
    for (const bad of ['apis', 'api,,projector', 'api;projector'])
      expect(configErrorOf({ KB_ROLES: bad }).problems).toEqual([
        `KB_ROLES must be a comma-separated list of api, projector, webhooks, not '${bad}'.`,
      ]);
  });

  it('allows private webhook addresses and plain http only with WEBHOOK_ALLOW_PRIVATE=true', () => {
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhooks.allowPrivate).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: ' TRUE ' }).webhooks.allowPrivate).toBe(true);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'false' }).webhooks.allowPrivate).toBe(false);
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: '' }).webhooks.allowPrivate).toBe(false);
    for (const bad of ['yes', '1', 'on', 'ture'])
      expect(configErrorOf({ WEBHOOK_ALLOW_PRIVATE: bad }).problems).toEqual([
        `WEBHOOK_ALLOW_PRIVATE must be 'true' or 'false', not '${bad}'.`,
      ]);
  });

  it('takes GRAPHQL_MAX_IN_FLIGHT as a whole number from 1, and says so otherwise', () => {
    expect(loadConfig({ GRAPHQL_MAX_IN_FLIGHT: '32' }).graphql.maxInFlight).toBe(32);
    for (const bad of ['0', '-1', '1.5', 'many', '100001'])
      expect(() => loadConfig({ GRAPHQL_MAX_IN_FLIGHT: bad })).toThrow(
        /GRAPHQL_MAX_IN_FLIGHT must be a whole number/,
      );
  });

  it('has introspection off by default in production (the default NODE_ENV), on elsewhere, and either when asked', () => {
    expect(loadConfig({}).graphql.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).graphql.introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).graphql.introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'true' }).graphql.introspection).toBe(true);
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false', NODE_ENV: 'test' }).graphql.introspection).toBe(
      false,
    );
  });

  it('turns introspection off with GRAPHQL_INTROSPECTION=false and shows stack traces only in development', () => {
    expect(loadConfig({ GRAPHQL_INTROSPECTION: 'false', NODE_ENV: 'development' }).graphql).toEqual({
      introspection: false,
      includeStackTraces: true,
      maxInFlight: 256,
    });
    expect(loadConfig({ NODE_ENV: 'production' }).graphql.includeStackTraces).toBe(false);
    expect(() => loadConfig({ GRAPHQL_INTROSPECTION: 'maybe' })).toThrow(/GRAPHQL_INTROSPECTION must be/);
  });

  it('uses EventStoreDB when EVENTSTORE_URL is set', () => {
    const config = loadConfig({
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      PORT: '8080',
      DATA_DIR: '/tmp/kb',
    });
    expect(config.eventStore).toEqual({
      kind: 'eventstoredb',
      connectionString: 'esdb://localhost:2113?tls=false',
    });
    expect(config.port).toBe(8080);
    expect(config.dataDir).toBe('/tmp/kb');
  });

  it('keeps the read models in PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://kb@db:5432/kb' }).readModels).toEqual({
      kind: 'postgres',
      url: 'postgres://kb@db:5432/kb',
    });
  });

  it('reports every invalid variable at once, naming it and the rule', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: '70000',
        EVENTSTORE_URL: 'http://x',
        DATABASE_URL: 'mysql://u:secret@h/db',
        KB_BOOTSTRAP_API_KEY: 'short',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(4);
    expect(problems[0]).toMatch(/^PORT must be a whole number from 1 to 65535/);
    expect(problems[1]).toMatch(/^EVENTSTORE_URL must be an EventStoreDB connection string/);
    expect(problems[2]).toMatch(/^DATABASE_URL must be a PostgreSQL URL/);
    expect(problems[3]).toMatch(/^KB_BOOTSTRAP_API_KEY must be at least 16 characters/);
    expect(message).not.toContain('secret');
  });

  it('takes a KB_BOOTSTRAP_API_KEY that fits in a bearer header, and never repeats it', () => {
    expect(loadConfig({ KB_BOOTSTRAP_API_KEY: ' a-long-enough-secret\n' }).bootstrapApiKey).toBe(
      'a-long-enough-secret',
    );
    for (const value of ['a secret with spaces', 'k'.repeat(513)]) {
      expect(() => loadConfig({ KB_BOOTSTRAP_API_KEY: value })).toThrow(
        'KB_BOOTSTRAP_API_KEY must be at most 512 characters long, with no spaces.',
      );
      expect(() => loadConfig({ KB_BOOTSTRAP_API_KEY: value })).not.toThrow(value);
    }
  });

  it('takes a METRICS_KEY that fits in a bearer header, and never repeats a bad one', () => {
    expect(loadConfig({}).metricsKey).toBeUndefined();
    expect(loadConfig({ METRICS_KEY: ' scrape-secret-0123456789\n' }).metricsKey).toBe(
      'scrape-secret-0123456789',
    );
    for (const value of ['short', 'a scrape secret with spaces', 'k'.repeat(513)]) {
      const { problems, message } = configErrorOf({ METRICS_KEY: value });
      expect(problems).toEqual(['METRICS_KEY must be 16 to 512 characters long, with no spaces.']);
      expect(message).not.toContain(value);
    }
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', EVENTSTORE_URL: ' ' }).eventStore.kind).toBe('embedded');
  });

  it('redacts passwords in URLs', () => {
    expect(redact('postgres://kb:s3cret@db:5432/kb')).toBe('postgres://kb:***@db:5432/kb');
  });

  it('names the variable and the rule of a bad EVENTSTORE_URL, never its password', () => {
    for (const [url, rule] of [
      [
        'esdb://admin:changeit@host:2113?tls=nope',
        /\(Unexpected "nope" at position 36, expected true or false\)/,
      ],
      ['esdb://:changeit@host', /expected port number/],
      ['http://admin:changeit@host:2113', /it must start with 'esdb:\/\/' or 'esdb\+discover:\/\/'/],
    ] as const) {
      const { problems, message } = configErrorOf({ EVENTSTORE_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^EVENTSTORE_URL must be an EventStoreDB connection string/);
      expect(problems[0]).toMatch(rule);
      expect(message).not.toContain('changeit');
    }
    expect(
      configErrorOf({ EVENTSTORE_URL: 'esdb://admin:changeit@host:2113?tls=nope' }).problems[0],
    ).toContain("not 'esdb://admin:***@host:2113?tls=nope'");
  });

  it('names the variable and the rule of a bad DATABASE_URL, never its password (even one with @)', () => {
    const { problems, message } = configErrorOf({ DATABASE_URL: 'mysql://kb:se@cr/et@db/kb' });
    expect(problems).toEqual([
      "DATABASE_URL must be a PostgreSQL URL such as 'postgres://user@host:5432/db', not 'mysql://kb:***@db/kb'.",
    ]);
    expect(message).not.toMatch(/se@|cr\/et/);
  });

  it('reads the postmortem policy per severity and the deadline scan, and names the variable and rule of a bad one', () => {
    expect(
      loadConfig({ POSTMORTEM_DUE_DAYS_SEV1: '3', POSTMORTEM_DUE_DAYS_SEV2: '10', DEADLINE_SCAN_MS: '250' })
        .deadlines,
    ).toEqual({ postmortemPolicy: { SEV1: 3, SEV2: 10 }, scanMs: 250 });
    expect(
      configErrorOf({
        POSTMORTEM_DUE_DAYS_SEV1: '0',
        POSTMORTEM_DUE_DAYS_SEV2: '2.5',
        DEADLINE_SCAN_MS: '10',
      }).problems,
    ).toEqual([
      "POSTMORTEM_DUE_DAYS_SEV1 must be a whole number of days from 1 to 365 (a SEV1 incident's postmortem is due that long after it is resolved), not '0'.",
      "POSTMORTEM_DUE_DAYS_SEV2 must be a whole number of days from 1 to 365 (a SEV2 incident's postmortem is due that long after it is resolved), not '2.5'.",
      "DEADLINE_SCAN_MS must be a whole number of milliseconds from 100 to 3600000 (how often passed deadlines are looked for), not '10'.",
    ]);
    expect(configErrorOf({ POSTMORTEM_DUE_DAYS_SEV2: '366' }).problems[0]).toMatch(
      /^POSTMORTEM_DUE_DAYS_SEV2 must be .* not '366'\.$/,
    );
  });

  it('never repeats a bad KB_BOOTSTRAP_API_KEY, whatever the rule it breaks', () => {
    for (const secret of ['sh0rt!', 'long-enough but-has-a-space']) {
      const { problems, message } = configErrorOf({ KB_BOOTSTRAP_API_KEY: secret });
      expect(problems[0]).toMatch(/^KB_BOOTSTRAP_API_KEY must be/);
      expect(message).not.toContain(secret);
    }
  });
});

function configErrorOf(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('the configuration was taken');
}
