import type { LoggerService } from '@nestjs/common';
import { ApiUnderTest } from './support/api-under-test';

interface LogLine {
  level: string;
  text: string;
}

/** The service's log, kept: each line's level and everything it printed (message, stack, context). */
class KeptLog implements LoggerService {
  readonly lines: LogLine[] = [];
  log = this.keep('log');
  error = this.keep('error');
  warn = this.keep('warn');
  debug = this.keep('debug');
  verbose = this.keep('verbose');
  fatal = this.keep('fatal');

  private keep(level: string) {
    return (...parts: unknown[]) => {
      this.lines.push({ level, text: parts.map(String).join(' ') });
    };
  }
}

describe("a client's errors are not logged as failures (over HTTP)", () => {
  let api: ApiUnderTest;
  const log = new KeptLog();
  let viewerSecret: string;

  beforeAll(async () => {
    api = await ApiUnderTest.start({}, { logger: log });
    const created = await api.data<{ createApiKey: { secret: string } }>(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
      { input: { name: 'viewer', role: 'VIEWER' } },
    );
    viewerSecret = created.createApiKey.secret;
  });

  afterAll(async () => {
    await api?.stop();
  });

  beforeEach(() => {
    log.lines.length = 0;
  });

  /** Only debug lines, none with a stack trace. */
  function expectLoggedAtDebugAtMost(): void {
    expect(log.lines.filter((line) => line.level !== 'debug' && line.level !== 'log')).toEqual([]);
    expect(log.lines.filter((line) => /\n\s+at /.test(line.text))).toEqual([]);
  }

  it.each([
    ['a bad cursor (BAD_USER_INPUT)', '{ incidents(after: "garbage") { totalCount } }', 'BAD_USER_INPUT'],
    [
      'an unknown API key (NOT_FOUND)',
      'mutation { revokeApiKey(id: "00000000-0000-4000-8000-000000000000") { id } }',
      'NOT_FOUND',
    ],
    ['a document that does not validate', '{ nope }', 'GRAPHQL_VALIDATION_FAILED'],
    ['a document that does not parse', '{ incidents(', 'GRAPHQL_PARSE_FAILED'],
  ])('%s', async (_what, query, code) => {
    const response = await api.graphql(query);
    expect(response.body.errors?.[0]?.extensions?.code).toBe(code);
    expectLoggedAtDebugAtMost();
  });

  it("a role too low (FORBIDDEN, refused by the resolver's guard)", async () => {
    const response = await api.graphql('{ apiKeys { id } }', undefined, { secret: viewerSecret });
    expect(response.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expectLoggedAtDebugAtMost();
  });

  it('a body too large (413) and JSON that does not parse (400)', async () => {
    const tooLarge = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1_100_000)}` }),
    });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ statusCode: 413, message: 'request entity too large' });
    const notJson = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(notJson.status).toBe(400);
    expectLoggedAtDebugAtMost();
  });

  it('a bad report parameter and an unknown path', async () => {
    const report = await fetch(`${api.baseUrl}/reports/incidentTrend.csv?from=yesterday`, {
      headers: { authorization: `Bearer ${viewerSecret}` },
    });
    expect(report.status).toBe(403);
    expect((await fetch(`${api.baseUrl}/nothing-here`)).status).toBe(404);
    expectLoggedAtDebugAtMost();
  });
});
