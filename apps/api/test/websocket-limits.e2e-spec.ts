/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL payloads are untyped JSON: the tests assert their shape. */
import { API_KEY_STREAM_PREFIX } from '@kb/domain';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import WebSocket from 'ws';
import { REVOKED_CLOSE, SOCKET_LIMITS, TOO_MANY_SOCKETS_CLOSE } from '../src/graphql/websocket/live-sockets';
import { ApiUnderTest } from './support/api-under-test';
import { incidentInput } from './support/graphql-fixtures';
import { LiveSubscription } from './support/live-subscription';

jest.setTimeout(60_000);

const EVENTS = `subscription { events { position type streamId } }`;

/** A raw graphql-ws socket, for what a well-behaved client library would never send. */
async function rawSocket(api: ApiUnderTest, secret: string) {
  const socket = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: any[] = [];
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8'))));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${secret}` } }));
  await waitFor(() => messages.some((m) => m.type === 'connection_ack'), 'connection_ack');
  return { socket, messages, closed };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('WebSocket: revocation and limits', () => {
  let api: ApiUnderTest;
  let store: EventStore;

  beforeAll(async () => {
    api = await ApiUnderTest.start();
    store = api.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(() => api.stop());

  const report = (title: string) =>
    api.data<{ reportIncident: { id: string } }>(
      'mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }',
      { input: incidentInput({ title }) },
    );

  it('closes a revoked key’s socket within a second, and delivers nothing appended after the revocation', async () => {
    const analyst = await api.keyFor('ANALYST', 'revoked mid-subscription');
    const client = api.wsClient(analyst.secret);
    const sub = new LiveSubscription<{ events: { position: string; type: string } }>(client, EVENTS);
    // Subscribed once an event reaches it.
    for (let i = 0; sub.values.length === 0 && i < 100; i++) {
      await report(`before revocation ${i}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(sub.values.length).toBeGreaterThan(0);

    // Writers keep appending while the key is revoked.
    let writing = true;
    const writers = [0, 1].map(async (w) => {
      for (let i = 0; writing && i < 200; i++) await report(`during revocation ${w}-${i}`);
    });
    const revokedAt = Date.now();
    await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: analyst.id });
    await sub.until((s) => s.closed !== null, 'the socket to close', 5_000);
    const closedAfterMs = Date.now() - revokedAt;
    writing = false;
    await Promise.all(writers);

    expect(sub.closed).toEqual({ code: REVOKED_CLOSE.code, reason: REVOKED_CLOSE.reason });
    expect(closedAfterMs).toBeLessThan(1_000);
    const [revocation] = await store.readStream(`${API_KEY_STREAM_PREFIX}${analyst.id}`, {
      direction: 'backwards',
      maxCount: 1,
    });
    expect(revocation.type).toBe('ApiKeyRevoked');
    const late = sub.values.filter((v) => v.events.position > revocation.position);
    expect(late).toEqual([]);
    // Events were appended after the revocation: the check above had something to catch.
    const [last] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(last.position > revocation.position).toBe(true);
    await client.dispose();
  });

  it('refuses an operation on a socket whose key was revoked, and closes it', async () => {
    const viewer = await api.keyFor('VIEWER', 'revoked between operations');
    const { socket, messages, closed } = await rawSocket(api, viewer.secret);
    // Revoked in the read model and the store; the socket is closed at once by the watcher, and an
    // operation sent at the same moment is refused, not run.
    await api.data('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: viewer.id });
    if (socket.readyState === WebSocket.OPEN)
      socket.send(
        JSON.stringify({
          id: '1',
          type: 'subscribe',
          payload: { query: 'subscription { incidentChanged { id } }' },
        }),
      );
    expect(await closed).toEqual({ code: REVOKED_CLOSE.code, reason: REVOKED_CLOSE.reason });
    expect(messages.filter((m) => m.type === 'next')).toEqual([]);
  });

  it('carries subscriptions only: a query or mutation over the socket is refused with a code, and nothing is written', async () => {
    const contributor = await api.keyFor('CONTRIBUTOR', 'ws queries');
    const client = api.wsClient(contributor.secret);
    const [before] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    for (const query of [
      '{ incidents(first: 1) { totalCount } }',
      'mutation($input: ReportIncidentInput!) { reportIncident(input: $input) { id } }',
    ]) {
      const sub = new LiveSubscription(client, query, { input: incidentInput({ title: 'over ws' }) });
      await sub.ended();
      expect(sub.values).toEqual([]);
      expect(sub.errors).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(/subscriptions only: send .* as HTTP POST/),
          extensions: { code: 'BAD_REQUEST' },
        }),
      ]);
    }
    const [after] = await store.readAll({ direction: 'backwards', maxCount: 1 });
    expect(after.position).toBe(before.position);
    await client.dispose();
  });

  it('refuses the same costly document over the socket as over HTTP (QUERY_TOO_COMPLEX)', async () => {
    const analyst = await api.keyFor('ANALYST', 'ws cost');
    const client = api.wsClient(analyst.secret);
    // One root field (a subscription has one), fanned out: 25 aliases of a walk through nested lists.
    const fields = Array.from(
      { length: 25 },
      (_, i) => `a${i}: actionItems { incident { actionItems { incident { findings { id } } } } }`,
    ).join(' ');
    for (const query of [
      `subscription { incidentChanged { ${fields} } }`,
      // More tokens than the parser reads.
      `subscription { incidentChanged { ${'id '.repeat(3_000)} } }`,
    ]) {
      const sub = new LiveSubscription(client, query);
      await sub.ended();
      expect(sub.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' }) }),
      ]);
      expect(sub.errors[0].extensions).not.toHaveProperty('http');
    }
    await client.dispose();
  });

  it(`holds at most ${SOCKET_LIMITS.subscriptionsPerSocket} subscriptions on one socket`, async () => {
    const viewer = await api.keyFor('VIEWER', 'many subscriptions');
    const { socket, messages } = await rawSocket(api, viewer.secret);
    for (let i = 0; i <= SOCKET_LIMITS.subscriptionsPerSocket; i++)
      socket.send(
        JSON.stringify({
          id: `s${i}`,
          type: 'subscribe',
          payload: { query: 'subscription { incidentChanged { id } }' },
        }),
      );
    await waitFor(() => messages.some((m) => m.type === 'error'), 'the refusal');
    const refused = messages.filter((m) => m.type === 'error');
    expect(refused).toEqual([
      {
        id: `s${SOCKET_LIMITS.subscriptionsPerSocket}`,
        type: 'error',
        payload: [
          expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', rule: 'subscriptionsPerSocket' } }),
        ],
      },
    ]);
    // The ones within the limit run: a change reaches each of them.
    await report('seen by twenty');
    await waitFor(
      () => new Set(messages.filter((m) => m.type === 'next').map((m) => String(m.id))).size === 20,
      'a notification on each subscription',
    );
    socket.close();
  });

  it(`lets one key hold at most ${SOCKET_LIMITS.socketsPerKey} sockets, and frees a place when one closes`, async () => {
    const viewer = await api.keyFor('VIEWER', 'many sockets');
    const open = [];
    for (let i = 0; i < SOCKET_LIMITS.socketsPerKey; i++) open.push(await rawSocket(api, viewer.secret));
    const extra = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      extra.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    extra.on('open', () =>
      extra.send(
        JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${viewer.secret}` } }),
      ),
    );
    expect(await closed).toEqual(TOO_MANY_SOCKETS_CLOSE);
    open[0].socket.close();
    await open[0].closed;
    const again = await rawSocket(api, viewer.secret);
    expect(again.socket.readyState).toBe(WebSocket.OPEN);
    for (const s of [...open.slice(1), again]) s.socket.close();
  });

  it(`closes a socket that sends a message over ${SOCKET_LIMITS.maxPayloadBytes} bytes, before or after authentication`, async () => {
    const viewer = await api.keyFor('VIEWER', 'large messages');
    // Before: the connection_init itself is too large.
    const early = new WebSocket(`${api.baseUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const earlyClosed = new Promise<number>((resolve) => early.on('close', (code) => resolve(code)));
    early.on('open', () =>
      early.send(
        JSON.stringify({
          type: 'connection_init',
          payload: {
            authorization: `Bearer ${viewer.secret}`,
            padding: 'x'.repeat(SOCKET_LIMITS.maxPayloadBytes),
          },
        }),
      ),
    );
    expect(await earlyClosed).toBe(1009);
    // After.
    const { socket, closed } = await rawSocket(api, viewer.secret);
    socket.send(
      JSON.stringify({
        id: '1',
        type: 'subscribe',
        payload: { query: 'subscription { incidentChanged { id } }', variables: { p: 'x'.repeat(70_000) } },
      }),
    );
    expect((await closed).code).toBe(1009);
    // The service still answers.
    expect(await api.data('{ __typename }')).toEqual({ __typename: 'Query' });
  });
});
