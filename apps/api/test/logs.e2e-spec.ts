/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return, @typescript-eslint/no-unsafe-argument -- log lines and GraphQL answers are untyped JSON: the tests assert their shape. */
import { randomUUID } from 'node:crypto';
import { ServiceProcess } from './support/service-process';

const ADMIN = 'logs-admin-secret-0123456789abcdef';
const REPORT = `mutation Report($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }`;
const HISTORY = `query History($id: ID!) { incident(id: $id) { history { type correlationId } } }`;

/** The built service as `npm start` runs it, its stdout a pipe (as under a process manager): its log. */
describe('the request log (the built service, its output captured)', () => {
  jest.setTimeout(120_000);
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await ServiceProcess.start({
      KB_BOOTSTRAP_API_KEY: ADMIN,
      WEBHOOK_ALLOW_PRIVATE: 'true',
      // Every line the service can write, client errors included.
      LOG_LEVEL: 'trace',
    });
  });

  afterAll(async () => {
    await service?.stop();
  });

  async function post(body: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${service.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { response, body: (await response.json()) as any };
  }

  /** Every line written so far, each parsed as JSON (a line that is not JSON fails the test). */
  function logLines(): any[] {
    return service.output
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line);
        } catch {
          throw new Error(`A log line is not JSON: ${line}`);
        }
      });
  }

  /** The request line of `correlationId`, once it is written (after the answer has gone). */
  async function requestLineOf(correlationId: string): Promise<any> {
    for (let i = 0; i < 50; i++) {
      const line = logLines().find((l) => l.correlationId === correlationId && l.msg === 'request completed');
      if (line) return line;
      await new Promise((done) => setTimeout(done, 20));
    }
    throw new Error(`No request line with the correlation id ${correlationId}:\n${service.output}`);
  }

  async function eventsOf(incidentId: string): Promise<Array<{ type: string; correlationId: string }>> {
    const { body } = await post({ query: HISTORY, variables: { id: incidentId } });
    return body.data.incident.history;
  }

  const input = (title = 'Checkout latency after a config push') => ({
    title,
    kind: 'INCIDENT',
    severity: 'SEV2',
    services: ['checkout'],
    detectionSource: 'MONITORING_ALERT',
    startedAt: new Date(Date.now() - 3_600_000).toISOString(),
  });

  it('writes JSON lines when stdout is no terminal, from the first line on', () => {
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines)
      expect(line).toEqual(expect.objectContaining({ level: expect.any(Number), msg: expect.any(String) }));
    expect(lines.some((line) => line.context === 'NestApplication')).toBe(true);
  });

  it("gives a mutation's line the caller's correlation id, which its events carry and its answer repeats", async () => {
    const correlationId = `e2e-${randomUUID()}`;
    const { response, body } = await post(
      { query: REPORT, variables: { input: input() }, operationName: 'Report' },
      { 'x-correlation-id': correlationId },
    );
    expect(response.headers.get('x-correlation-id')).toBe(correlationId);
    const line = await requestLineOf(correlationId);
    expect(line).toEqual({
      level: 30,
      time: expect.any(Number),
      correlationId,
      method: 'POST',
      path: '/graphql',
      status: 200,
      durationMs: expect.any(Number),
      operation: { name: 'Report', type: 'mutation' },
      outcome: 'ok',
      msg: 'request completed',
    });
    const events = await eventsOf(body.data.reportIncident.id);
    expect(events.map((event) => event.type)).toEqual(['IncidentReported']);
    expect(events.map((event) => event.correlationId)).toEqual([correlationId]);
  });

  it('decides one correlation id for a request without one: the same in its line, its answer and its events', async () => {
    const { response, body } = await post({ query: REPORT, variables: { input: input() } });
    const correlationId = response.headers.get('x-correlation-id') ?? '';
    expect(correlationId).toMatch(/^[0-9a-f-]{36}$/);
    const line = await requestLineOf(correlationId);
    expect(line.operation).toEqual({ name: 'Report', type: 'mutation' });
    expect((await eventsOf(body.data.reportIncident.id)).map((event) => event.correlationId)).toEqual([
      correlationId,
    ]);
  });

  it("names a GraphQL answer's error codes, and a refusal's status", async () => {
    const { response } = await post({ query: '{ incidents(after: "garbage") { totalCount } }' });
    const line = await requestLineOf(response.headers.get('x-correlation-id') ?? '');
    expect(line).toMatchObject({ status: 200, outcome: 'error', errorCodes: ['BAD_USER_INPUT'] });
    expect(line.operation).toEqual({ type: 'query' });
    const refused = await post({ query: '{ __typename }' }, { authorization: 'Bearer not-a-key-at-all' });
    expect(refused.response.status).toBe(401);
    expect(await requestLineOf(refused.response.headers.get('x-correlation-id') ?? '')).toMatchObject({
      status: 401,
      outcome: 'error',
    });
  });

  it('never writes a key, a cookie, a webhook secret, a body or GraphQL variables', async () => {
    const planted = `planted${randomUUID().replace(/-/g, '')}`;
    const sent: string[] = [];
    const send = async (url: string, init: RequestInit) => {
      const response = await fetch(`${service.baseUrl}${url}`, init);
      await response.text();
      sent.push(response.headers.get('x-correlation-id') ?? '');
      return response;
    };
    const json = { 'content-type': 'application/json' };
    const admin = { ...json, authorization: `Bearer ${ADMIN}` };
    // A key in the Authorization header, a cookie.
    await send('/graphql', {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${planted}-key`, cookie: `session=${planted}-cookie` },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    // Variables: a valid one (written to the event store) and invalid ones (which GraphQL's own
    // messages repeat), in a POST and in a GET's query string.
    await send('/graphql', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ query: REPORT, variables: { input: input(`${planted}-title`) } }),
    });
    await send('/graphql', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        query: REPORT,
        variables: { input: { ...input(), severity: `${planted}-enum`, startedAt: `${planted}-date` } },
      }),
    });
    await send('/graphql', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        query: REPORT,
        variables: { input: { ...input(), services: [`${planted}-Service`] } },
      }),
    });
    const getQuery = new URLSearchParams({
      query: 'query($first: Int) { incidents(first: $first) { totalCount } }',
      variables: JSON.stringify({ first: `${planted}-int` }),
    });
    await send(`/graphql?${getQuery.toString()}`, {
      headers: { authorization: `Bearer ${ADMIN}`, 'apollo-require-preflight': 'true' },
    });
    // A literal in the document, and a body that is not JSON.
    await send('/graphql', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        query: `{ incident(id: 3) { id } search(text: "${planted}-doc") { totalCount } }`,
      }),
    });
    await send('/graphql', { method: 'POST', headers: admin, body: `{"query": "${planted}-body` });
    // An Alertmanager notification that is refused, and one that is not JSON.
    await send('/ingest/alertmanager', {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ version: '4', groupKey: `${planted}-group`, status: `${planted}-status` }),
    });
    await send('/ingest/alertmanager', { method: 'POST', headers: admin, body: `${planted}-not-json` });
    // A webhook's signing secret, in the answer that creates it.
    const created = await post({
      query: 'mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret } }',
      variables: { input: { url: `http://127.0.0.1:9/${planted}-url`, eventTypes: ['IncidentReported'] } },
    });
    const webhookSecret: string = created.body.data.createWebhook.secret;
    expect(webhookSecret).toMatch(/^whsec_/);
    sent.push(created.response.headers.get('x-correlation-id') ?? '');

    // Each request was logged (so the log was there to leak into), and nothing of theirs was.
    for (const correlationId of sent) await requestLineOf(correlationId);
    await new Promise((done) => setTimeout(done, 500)); // the webhook's first delivery attempt, too
    expect(service.output).not.toContain(planted);
    expect(service.output).not.toContain(webhookSecret);
    expect(service.output).not.toContain(webhookSecret.slice('whsec_'.length));
    expect(service.output).not.toContain(ADMIN);
    // The debug lines of the client errors are there, without the values they refused.
    expect(
      logLines().filter((line) => line.level === 20 && line.context === 'GraphQL').length,
    ).toBeGreaterThan(2);
  });
});
