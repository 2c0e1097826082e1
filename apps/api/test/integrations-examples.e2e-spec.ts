/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-return -- GraphQL responses are untyped JSON: the tests assert their shape. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AllStreamRecordedEvent } from '@eventstore/db-client';
import { Webhook } from 'standardwebhooks';
import { SqliteEventStore } from '@kb/event-store';
import { startEsdbGrpcServer, type EsdbGrpcServer } from '@kb/event-store/testing';
import { catchUp, formatPosition, parsePosition } from '../../../docs/examples/eventstoredb-catch-up';
import { followEvents, type RecordedEvent } from '../../../docs/examples/follow-events-subscription';
import { startWebhookReceiver } from '../../../docs/examples/webhook-receiver';
import { ApiUnderTest } from './support/api-under-test';
import {
  allEvents,
  minutesAgo,
  mutate,
  openActionItem,
  reportIncident,
  sleep,
} from './support/graphql-fixtures';
import { freePort } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';

/**
 * The examples of docs/integrations.md, run as written (imported from docs/examples/, and once each as
 * the doc runs them, standalone) against the production topology: the service on EventStoreDB (the
 * in-process gRPC server, over the real @eventstore/db-client), real graphql-ws over WebSocket, real
 * webhook deliveries from the service to the example receiver.
 */
jest.setTimeout(90_000);

const ROOT = resolve(__dirname, '../../..');

/** Waits until `condition` holds (polling every 20 ms); fails after `timeoutMs` saying what it waited for. */
async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Webhooks keep the order of each stream, not of the log (several streams are delivered at once):
 * the same events, every field as the events query serves them, and each stream's in the log's order.
 */
function expectInStreamOrder(received: unknown[], expected: unknown[]): void {
  const byStream = (events: unknown[]) => {
    const streams = new Map<string, unknown[]>();
    for (const event of events) {
      const { streamId } = event as { streamId: string };
      streams.set(streamId, [...(streams.get(streamId) ?? []), event]);
    }
    return Object.fromEntries(streams);
  };
  expect(received).toHaveLength(expected.length);
  expect(byStream(received)).toEqual(byStream(expected));
}

describe('docs/integrations.md: the three ways to follow changes, as written', () => {
  let dir: string;
  let backing: SqliteEventStore;
  let esdb: EsdbGrpcServer;
  let api: ApiUnderTest;
  let analyst: string;
  const warn = jest.spyOn(console, 'warn');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kb-integrations-'));
    backing = SqliteEventStore.open({ file: join(dir, 'events.db') });
    esdb = await startEsdbGrpcServer({ store: backing });
    api = await ApiUnderTest.start({
      EVENTSTORE_URL: esdb.connectionString,
      // A receiver that was down is tried again within a fraction of a second.
      WEBHOOK_FIRST_RETRY_MS: '100',
      WEBHOOK_MAX_RETRY_DELAY_MS: '200',
    });
    analyst = (await api.keyFor('ANALYST')).secret;
    await someWrites('History before any integration');
  });

  beforeEach(() => warn.mockReset().mockImplementation(() => undefined));

  afterAll(async () => {
    warn.mockRestore();
    await api?.stop();
    await esdb?.close();
    await backing?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What a team writes about one incident: the report, a timeline entry, an action item. */
  async function someWrites(title: string): Promise<string> {
    const incident = await reportIncident(api, { title });
    await mutate(
      api,
      'addTimelineEntry',
      'AddTimelineEntryInput',
      { incidentId: incident.id, at: minutesAgo(30), text: 'Rolled back the config push' },
      'id',
    );
    await openActionItem(api, { incidentId: incident.id });
    return incident.id;
  }

  /** The position of the last event of the incident and action-item streams, as the API serves it. */
  const lastPosition = async (): Promise<string> => (await allEvents(api)).at(-1).position;

  const ids = (events: ReadonlyArray<{ id: string }>) => events.map((event) => event.id);

  describe('follow-events-subscription.ts (GraphQL subscription over graphql-ws)', () => {
    it('catches up from a position, goes live, and after a lost connection resumes with no gap and no duplicate', async () => {
      await someWrites('Before the integration started');
      const from = await lastPosition();
      await someWrites('Stored before it subscribed: caught up');
      // The example connects through a proxy, so that the test can cut its connection alone.
      const proxy = await TcpProxy.start(Number(new URL(api.baseUrl).port));
      const received: RecordedEvent[] = [];
      const stop = new AbortController();
      const following = followEvents({
        url: `ws://127.0.0.1:${proxy.port}/graphql`,
        apiKey: analyst,
        fromPosition: from,
        onEvent: (event) => void received.push(event),
        signal: stop.signal,
        retryDelayMs: 100,
      });
      try {
        let expected = await allEvents(api, { fromPosition: from });
        expect(expected).toHaveLength(3);
        await eventually(() => received.length === 3, 'the 3 events stored before it subscribed');

        await someWrites('Written while it follows: live');
        expected = await allEvents(api, { fromPosition: from });
        await eventually(() => received.length === expected.length, 'the live events');

        proxy.cut();
        await someWrites('Written while its connection is down');
        await sleep(300);
        expect(received).toHaveLength(expected.length); // nothing can reach it now
        proxy.restore();
        expected = await allEvents(api, { fromPosition: from });
        expect(expected).toHaveLength(9);
        await eventually(() => received.length >= expected.length, 'the events written while it was down');
        await sleep(300); // a duplicate would arrive now

        expect(ids(received)).toEqual(ids(expected));
        expect(received).toEqual(expected); // every field, as the events query serves them
        expect(proxy.connections).toBeGreaterThanOrEqual(2);
        expect(warn).toHaveBeenCalledWith(
          expect.stringMatching(/^Connection lost; resuming after \S+ in 100 ms\.$/),
        );
      } finally {
        stop.abort();
        await proxy.close();
      }
      await following; // it ended without an error
      // After abort, followEvents returned: nothing more is received.
      const count = received.length;
      await someWrites('After it stopped');
      await sleep(200);
      expect(received).toHaveLength(count);
    });

    it('fails, instead of retrying, when the service refuses the key', async () => {
      await expect(
        followEvents({
          url: `${api.baseUrl.replace('http', 'ws')}/graphql`,
          apiKey: 'not-a-key',
          onEvent: () => undefined,
        }),
      ).rejects.toMatchObject({ code: 4401 });
    });
  });

  describe('webhook-receiver.ts (Standard Webhooks, delivered by the service)', () => {
    let webhookId: string;
    let secret: string;
    let port: number;
    let receiver: Server;
    const handled: Array<{ event: RecordedEvent; deliveryId: string }> = [];

    const webhook = async () =>
      (
        await api.data(
          `{ webhooks { id checkpoint lag
               deliveries(first: 20) { totalCount edges { node { id status attempts lastStatusCode event { id } } } } } }`,
        )
      ).webhooks.find((hook: any) => hook.id === webhookId);

    const start = () =>
      startWebhookReceiver({
        secret,
        port,
        host: '127.0.0.1',
        onEvent: (event, deliveryId) => void handled.push({ event, deliveryId }),
      });
    const stopReceiver = async () => {
      receiver.closeAllConnections();
      await new Promise((done) => receiver.close(done));
    };

    beforeAll(async () => {
      port = await freePort();
      const created = await mutate(
        api,
        'createWebhook',
        'CreateWebhookInput',
        { url: `http://127.0.0.1:${port}/kb-events`, eventTypes: [] },
        'secret webhook { id }',
      );
      webhookId = created.webhook.id;
      secret = created.secret;
      receiver = await start();
    });

    afterAll(async () => {
      await api.data('mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id: webhookId });
      await stopReceiver();
    });

    it('gets every event after the webhook was created, verified and accepted, each handled once and in order', async () => {
      const from = await lastPosition();
      await someWrites('Delivered to a chat tool');
      const expected = await allEvents(api, { fromPosition: from });
      expect(expected).toHaveLength(3);
      await eventually(() => handled.length === 3, 'the 3 deliveries handled', 20_000);
      expectInStreamOrder(
        handled.map((h) => h.event),
        expected,
      ); // the body is the RecordedEvent

      // The service saw each accepted (204 from the receiver) and moved its checkpoint past them.
      await eventually(async () => {
        const { checkpoint, deliveries } = await webhook();
        return checkpoint === expected.at(-1).position && deliveries.totalCount === 3;
      }, 'the checkpoint at the last event and the 3 deliveries saved');
      const seen = await webhook();
      expect(seen.lag).toBe(0);
      const deliveries = seen.deliveries.edges.map((edge: any) => edge.node);
      expect(deliveries.map((d: any) => d.event.id).reverse()).toEqual(ids(expected)); // newest first
      for (const delivery of deliveries)
        expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 204 });
      expect(deliveries.map((d: any) => d.id).reverse()).toEqual(handled.map((h) => h.deliveryId));
    });

    it('handles a redelivery (the same webhook-id) once: it answers 2xx and does nothing more', async () => {
      const count = handled.length;
      const first = handled[0].deliveryId;
      await api.data('mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { id } }', {
        input: { webhookId, deliveryId: first },
      });
      const delivery = async () =>
        (await webhook()).deliveries.edges.map((edge: any) => edge.node).find((d: any) => d.id === first);
      await eventually(async () => (await delivery()).attempts === 2, 'the second attempt recorded');
      expect(await delivery()).toMatchObject({ status: 'DELIVERED', lastStatusCode: 204 });
      await sleep(100);
      expect(handled).toHaveLength(count);
    });

    it('answers 400 to a forged, altered, unsigned or stale delivery, and handles none', async () => {
      const count = handled.length;
      const body = JSON.stringify(handled[0].event);
      const id = `forged-${randomBytes(8).toString('hex')}`;
      const post = (payload: string, headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${port}/kb-events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: payload,
        }).then((response) => response.status);
      const signed = (key: string, at: Date, payload = body) => ({
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new Webhook(key).sign(id, at, payload),
      });
      const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;

      expect(await post(body, signed(otherSecret, new Date()))).toBe(400);
      expect(await post(body.replace('"revision":0', '"revision":7'), signed(secret, new Date()))).toBe(400);
      expect(await post(body, {})).toBe(400);
      expect(await post(body, signed(secret, new Date(Date.now() - 10 * 60_000)))).toBe(400);
      // The same request signed with the webhook's secret passes: the refusals were for the signature.
      expect(await post(body, signed(secret, new Date()))).toBe(204);
      await eventually(() => handled.length === count + 1, 'the genuine one handled');
      expect(handled.at(-1)?.deliveryId).toBe(id);
    });

    it('at least once: a receiver that was down gets what it missed once it is back, in order', async () => {
      await stopReceiver();
      const count = handled.length;
      const from = await lastPosition();
      await someWrites('Written while the receiver is down');
      await eventually(
        async () =>
          (await webhook()).deliveries.edges.some(
            (edge: any) => edge.node.status === 'RETRYING' && edge.node.attempts >= 2,
          ),
        'a delivery retried',
      );
      receiver = await start();
      const expected = await allEvents(api, { fromPosition: from });
      await eventually(() => handled.length === count + expected.length, 'the missed deliveries', 20_000);
      expectInStreamOrder(
        handled.slice(count).map((h) => h.event),
        expected,
      );
    });
  });

  describe('eventstoredb-catch-up.ts (a catch-up subscription to $all in EventStoreDB)', () => {
    const loaders: Array<{ stop: AbortController; done: Promise<void> }> = [];
    /** Runs the example until `stop` (or the end of the test), collecting what it hands over. */
    const load = (options: Omit<Parameters<typeof catchUp>[0], 'onEvent' | 'signal'>) => {
      const received: AllStreamRecordedEvent[] = [];
      const stop = new AbortController();
      const done = catchUp({
        ...options,
        onEvent: (event) => void received.push(event),
        signal: stop.signal,
      });
      loaders.push({ stop, done });
      return { received, stop: async () => (stop.abort(), await done) };
    };
    afterEach(async () => {
      const running = loaders.splice(0);
      for (const loader of running) loader.stop.abort();
      await Promise.allSettled(running.map((loader) => loader.done));
    });

    it('reads the incident and action-item streams from the start in log order, never keys or webhooks; resumes after a drop and from a stored position', async () => {
      await someWrites('Loaded into a warehouse');
      // The log holds API key and webhook streams too (secrets): the example must never read them.
      const secrets = await backing.readAll({
        fromPosition: 'start',
        filter: { streamPrefixes: ['api-key-', 'webhook-'] },
      });
      expect(secrets.length).toBeGreaterThan(0);

      const { received, stop } = load({ connectionString: esdb.connectionString, retryDelayMs: 100 });
      let expected = await allEvents(api);
      await eventually(() => received.length === expected.length, 'the whole history');

      esdb.dropSubscriptions(); // as a restarting EventStoreDB node does
      await someWrites('Written after the subscription dropped');
      expected = await allEvents(api);
      await eventually(() => received.length >= expected.length, 'the events after the drop');
      await sleep(300); // a duplicate would arrive now
      await stop();

      expect(ids(received)).toEqual(ids(expected));
      expect(received.map((e) => [e.streamId, Number(e.revision), e.type, e.data])).toEqual(
        expected.map((e) => [e.streamId, e.revision, e.type, e.data]),
      );
      expect(received.map((e) => (e.metadata as any).schemaVersion)).toEqual(expected.map((e) => e.version));
      expect(received.some((e) => /^(api-key|webhook)-/.test(e.streamId))).toBe(false);
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/^Subscription dropped \(.*\); resuming after \d+\/\d+\.$/),
      );

      // A later run resumes after the position the first one stored.
      const stored = received.at(-1)!.position;
      await someWrites('Written while the loader was stopped');
      const missed = (await allEvents(api)).slice(expected.length);
      expect(missed).toHaveLength(3);
      const { received: resumed, stop: stopAgain } = load({
        connectionString: esdb.connectionString,
        fromPosition: stored,
      });
      await eventually(() => resumed.length >= 3, 'the events written while it was stopped');
      await sleep(300);
      await stopAgain();
      expect(ids(resumed)).toEqual(ids(missed));
      // Stored as text and read back, a position is the same position.
      expect(parsePosition(formatPosition(stored))).toEqual(stored);
    });
  });

  describe('standalone, as the doc runs them (npx ts-node docs/examples/<file>.ts, env variables)', () => {
    const children: ChildProcess[] = [];

    /** Runs an example as `npx ts-node` does (transpiled only: type-checking is npm run typecheck's job). */
    function run(example: string, env: Record<string, string>) {
      const child = spawn(
        process.execPath,
        [require.resolve('ts-node/dist/bin'), '--transpile-only', `docs/examples/${example}`],
        { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      children.push(child);
      const output = { stdout: '', stderr: '' };
      child.stdout?.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
      child.stderr?.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
      const lines = () => output.stdout.split('\n').filter((line) => line.length > 0);
      return { output, lines };
    }

    afterAll(async () => {
      await Promise.all(
        children.map(async (child) => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await exited;
        }),
      );
    });

    it('follow-events-subscription.ts prints each event after FROM_POSITION as a JSON line', async () => {
      const from = await lastPosition();
      await someWrites('Printed by the standalone subscription');
      const expected = await allEvents(api, { fromPosition: from });
      const { output, lines } = run('follow-events-subscription.ts', {
        KB_API_KEY: analyst,
        KB_WS_URL: `${api.baseUrl.replace('http', 'ws')}/graphql`,
        FROM_POSITION: from,
      });
      await eventually(
        () => lines().length >= 3,
        `3 lines printed (output: ${JSON.stringify(output)})`,
        30_000,
      );
      expect(lines().map((line) => JSON.parse(line))).toEqual(expected);
    });

    it('webhook-receiver.ts listens on PORT and prints what the service delivers with WEBHOOK_SECRET', async () => {
      const port = await freePort();
      const created = await mutate(
        api,
        'createWebhook',
        'CreateWebhookInput',
        { url: `http://127.0.0.1:${port}/`, eventTypes: ['IncidentReported'] },
        'secret webhook { id }',
      );
      const { output, lines } = run('webhook-receiver.ts', {
        WEBHOOK_SECRET: created.secret,
        PORT: String(port),
      });
      await eventually(
        () => lines()[0] === `Listening on port ${port}`,
        `it listens (${JSON.stringify(output)})`,
        30_000,
      );
      const incidentId = await someWrites('Printed by the standalone receiver');
      await eventually(() => lines().length === 2, 'one delivery printed', 20_000);
      const printed = lines()[1];
      const deliveryId = printed.slice(0, printed.indexOf(' '));
      expect(JSON.parse(printed.slice(deliveryId.length + 1))).toMatchObject({
        streamId: `incident-${incidentId}`,
        type: 'IncidentReported',
      });
      const deliveries = async () =>
        (await api.data('{ webhooks { id deliveries { edges { node { id status } } } } }')).webhooks
          .find((hook: any) => hook.id === created.webhook.id)
          .deliveries.edges.map((edge: any) => edge.node);
      await eventually(async () => (await deliveries()).length === 1, 'the delivery saved');
      expect(await deliveries()).toEqual([{ id: deliveryId, status: 'DELIVERED' }]);
      await api.data('mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id: created.webhook.id });
    });

    it('eventstoredb-catch-up.ts prints the log from EVENTSTORE_URL, one event a line', async () => {
      const expected = await allEvents(api);
      const { output, lines } = run('eventstoredb-catch-up.ts', { EVENTSTORE_URL: esdb.connectionString });
      await eventually(
        () => lines().length >= expected.length,
        `${expected.length} lines printed (output: ${JSON.stringify(output)})`,
        30_000,
      );
      expect(lines().map((line) => line.split(' ').slice(1, 3))).toEqual(
        expected.map((event) => [event.type, event.streamId]),
      );
    });
  });
});
