import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ADMIN_SECRET } from './support/api-under-test';
import { LiveSubscription } from './support/live-subscription';
import { ServiceProcess } from './support/service-process';

jest.setTimeout(120_000);

const DRAIN_MS = 2_000;
const TIMEOUT_MS = 10_000;
const ENV = {
  KB_BOOTSTRAP_API_KEY: ADMIN_SECRET,
  SHUTDOWN_DRAIN_MS: String(DRAIN_MS),
  SHUTDOWN_TIMEOUT_MS: String(TIMEOUT_MS),
};

const REPORT = `mutation($title: String!) { reportIncident(input: { title: $title, kind: NEAR_MISS, severity: SEV4,
  services: ["queue"], detectionSource: INTERNAL_REPORT, startedAt: "2026-11-01T08:00:00Z" }) { id } }`;

async function graphql(baseUrl: string, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_SECRET}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: unknown[] } }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * SIGTERM to the built service (`node dist/.../main.js`) while clients write and subscribe: readiness
 * turns 503 for the drain, the process exits 0 within SHUTDOWN_TIMEOUT_MS, an open subscription is
 * closed with 1001, and every write that was answered is in the event store after a restart.
 */
describe('graceful shutdown of the service process', () => {
  let service: ServiceProcess | undefined;
  let restarted: ServiceProcess | undefined;
  afterAll(async () => {
    await service?.kill();
    await restarted?.stop(); // removes the shared DATA_DIR
  });

  it('drains, finishes what it answered, closes subscriptions with 1001 and exits 0', async () => {
    service = await ServiceProcess.start(ENV);
    const { baseUrl, dataDir, port } = service;
    const client = createClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${ADMIN_SECRET}` },
      retryAttempts: 0,
      lazy: true,
    });
    const subscription = new LiveSubscription(client, 'subscription { events { position type } }');

    // A stream of mutations from 4 clients, each until the service stops answering.
    const acknowledged: string[] = [];
    const answeredAfterSignal: string[] = [];
    let signalledAt = 0;
    const writer = async (n: number) => {
      for (let i = 0; ; i++) {
        let answer;
        try {
          answer = await graphql(baseUrl, REPORT, { title: `Writer ${n}, write ${i}` });
        } catch {
          return; // refused or cut: the service is going away (this write was not acknowledged)
        }
        const id = (answer.body.data?.reportIncident as { id?: string } | undefined)?.id;
        if (answer.status !== 200 || !id) continue;
        acknowledged.push(id);
        if (signalledAt > 0) answeredAfterSignal.push(id);
      }
    };
    const writers = Promise.all([1, 2, 3, 4].map(writer));
    await subscription.until((s) => s.values.length >= 10, 'ten events through the subscription');

    signalledAt = Date.now();
    service.child.kill('SIGTERM');
    const exited = new Promise<number | null>((resolve) =>
      service!.exited ? resolve(service!.exited.code) : service!.child.once('exit', (code) => resolve(code)),
    );

    // Within the drain: not ready as soon as the process has the signal (and a second SIGTERM
    // changes nothing) ...
    let ready: Response;
    do ready = await fetch(`${baseUrl}/health/ready`);
    while (ready.status === 200 && Date.now() - signalledAt < DRAIN_MS / 4);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { reasons: string[] }).reasons).toEqual([
      expect.stringMatching(/^The service is shutting down \(SIGTERM received \d+\.\d s ago\)/),
    ]);
    service.child.kill('SIGTERM');
    // ... still live, and still serving the writers.
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, DRAIN_MS / 2));
    expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(503);
    expect(Date.now() - signalledAt).toBeLessThan(DRAIN_MS);

    expect(await exited).toBe(0);
    const took = Date.now() - signalledAt;
    expect(took).toBeGreaterThanOrEqual(DRAIN_MS);
    expect(took).toBeLessThan(TIMEOUT_MS);
    await writers;
    await subscription.ended();
    expect(subscription.closed).toEqual({
      code: 1001,
      reason: 'The service is shutting down; connect again (to another instance)',
    });
    await client.dispose();
    expect(answeredAfterSignal.length).toBeGreaterThan(0); // the drain served them
    expect(service.output).toContain('SIGTERM received: /health/ready now answers 503');
    expect(service.output).toContain('SIGTERM received again: the shutdown goes on');
    expect(service.output).toContain('Shut down cleanly in');
    expect(service.output).not.toContain('did not finish within');

    // Every write the service answered is in its event store, after a restart on the same DATA_DIR.
    restarted = await ServiceProcess.start(ENV, { dataDir, port });
    const stored = new Set<string>();
    for (let after: string | null = null; ;) {
      const { body } = await graphql(
        restarted.baseUrl,
        'query($after: String) { events(first: 500, after: $after, filter: { types: ["IncidentReported"] }) { edges { node { streamId } } pageInfo { hasNextPage endCursor } } }',
        { after },
      );
      const page = body.data!.events as {
        edges: Array<{ node: { streamId: string } }>;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
      for (const edge of page.edges) stored.add(edge.node.streamId);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(acknowledged.length).toBeGreaterThan(10);
    expect(acknowledged.filter((id) => !stored.has(`incident-${id}`))).toEqual([]);
  });
});
