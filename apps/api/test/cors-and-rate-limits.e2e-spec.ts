/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL payloads are untyped JSON: the tests assert their shape. */
import WebSocket from 'ws';
import { ApiUnderTest } from './support/api-under-test';

jest.setTimeout(60_000);

const PORTAL = 'https://portal.example.com';

/** A browser's preflight for a POST to /graphql with a key and JSON. */
function preflight(api: ApiUnderTest, origin: string) {
  return fetch(`${api.baseUrl}/graphql`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });
}

const corsHeadersOf = (response: Response) =>
  [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

describe('CORS', () => {
  let api: ApiUnderTest;
  afterEach(() => api?.stop());

  it('sends no CORS header at all by default', async () => {
    api = await ApiUnderTest.start();
    const answer = await preflight(api, PORTAL);
    expect(corsHeadersOf(answer)).toEqual([]);
    const post = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { origin: PORTAL, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(corsHeadersOf(post)).toEqual([]);
  });

  it('answers the preflight of an allowed origin, and lets its script read the answer; another origin gets nothing', async () => {
    api = await ApiUnderTest.start({ CORS_ORIGINS: `${PORTAL},http://localhost:5173` });
    const allowed = await preflight(api, PORTAL);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(allowed.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(allowed.headers.get('access-control-allow-headers')?.split(', ')).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'x-correlation-id',
        'apollo-require-preflight',
      ]),
    );
    expect(allowed.headers.get('access-control-max-age')).toBe('7200');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('vary')).toContain('Origin');

    const post = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        origin: PORTAL,
        'content-type': 'application/json',
        authorization: 'Bearer e2e-admin-secret-0123456789abcdef',
      },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(post.headers.get('access-control-expose-headers')).toBe('x-correlation-id, retry-after');

    for (const other of ['https://evil.example.com', 'https://portal.example.com.evil.example', 'null']) {
      const refused = await preflight(api, other);
      expect(corsHeadersOf(refused)).toEqual([]);
    }
  });
});

describe('the request budget of an API key', () => {
  let api: ApiUnderTest;
  // Three requests at once, then one every four seconds.
  beforeAll(async () => {
    api = await ApiUnderTest.start({ RATE_LIMIT_PER_SECOND: '0.25', RATE_LIMIT_BURST: '3' });
  });
  afterAll(() => api?.stop());

  const ask = (secret: string) =>
    fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: '{ incidents(first: 1) { totalCount } }' }),
    });

  it('refuses a key over its budget with 429, Retry-After and RATE_LIMITED, leaves another key alone, and refills', async () => {
    const flooding = await api.keyFor('VIEWER', 'flooding');
    const calm = await api.keyFor('VIEWER', 'calm');
    const [floods, calms] = await Promise.all([
      Promise.all(Array.from({ length: 6 }, () => ask(flooding.secret))),
      Promise.all(Array.from({ length: 3 }, () => ask(calm.secret))),
    ]);
    expect(calms.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(floods.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429, 429]);
    const refused = floods.find((r) => r.status === 429)!;
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 4).toBe(true);
    expect(refused.headers.get('x-correlation-id')).toBeTruthy();
    const body = (await refused.json()) as any;
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringContaining(
            'This API key has used the request budget (0.25 a second, bursts of 3)',
          ),
          extensions: { code: 'RATE_LIMITED', retryAfterSeconds: retryAfter },
        },
      ],
    });

    await new Promise((done) => setTimeout(done, retryAfter * 1000));
    expect((await ask(flooding.secret)).status).toBe(200);
    expect((await ask(flooding.secret)).status).toBe(429);
  });

  it('counts GET /graphql and the Alertmanager intake, not /health', async () => {
    const { secret } = await api.keyFor('CONTRIBUTOR', 'alertmanager');
    const get = () =>
      fetch(`${api.baseUrl}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
        headers: { authorization: `Bearer ${secret}`, 'apollo-require-preflight': 'true' },
      });
    const intake = () =>
      fetch(`${api.baseUrl}/ingest/alertmanager`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: '{}',
      });
    expect((await get()).status).toBe(200);
    expect((await intake()).status).toBe(400); // spent, then refused as a notification
    expect((await get()).status).toBe(200);
    expect((await intake()).status).toBe(429);
    expect((await get()).status).toBe(429);
    const health = await Promise.all(Array.from({ length: 10 }, () => fetch(`${api.baseUrl}/health`)));
    expect(health.map((r) => r.status)).toEqual(Array(10).fill(200));
  });

  it('counts graphql-ws subscribe messages, and answers the one over budget with an error carrying the code', async () => {
    const { secret } = await api.keyFor('VIEWER', 'subscriber');
    const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: any[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
    await new Promise((done) => socket.once('open', done));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } }));
    const until = async (what: () => boolean) => {
      for (let i = 0; !what() && i < 500; i++) await new Promise((done) => setTimeout(done, 10));
      expect(what()).toBe(true);
    };
    await until(() => messages.some((m) => m.type === 'connection_ack'));
    expect((await ask(secret)).status).toBe(200); // the same budget as HTTP: 2 left
    for (const id of ['1', '2', '3'])
      socket.send(
        JSON.stringify({ id, type: 'subscribe', payload: { query: 'subscription { events { position } }' } }),
      );
    await until(() => messages.some((m) => m.id === '3'));
    const answered = messages.filter((m) => m.type === 'error');
    expect(answered).toEqual([
      {
        id: '3',
        type: 'error',
        payload: [
          expect.objectContaining({
            message: expect.stringContaining('This API key has used the request budget'),
            extensions: { code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) },
          }),
        ],
      },
    ]);
    socket.close();
  });
});
