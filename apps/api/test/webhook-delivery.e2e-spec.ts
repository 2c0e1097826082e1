import { Webhook as StandardWebhook } from 'standardwebhooks';
import { ServiceProcess } from './support/service-process';
import { WebhookReceiver, type Received } from './support/webhook-receiver';

/**
 * Webhook delivery as integrations meet it: the service in its own process (as `npm start` runs
 * it), real receivers on loopback, signatures checked with the Standard Webhooks library.
 */
const ADMIN = 'e2e-webhook-admin-secret-0123456789';
const ENV = {
  KB_BOOTSTRAP_API_KEY: ADMIN,
  WEBHOOK_ALLOW_PRIVATE: 'true',
  // Fast retries, so that a test sees several within seconds (the default waits a second, then doubles).
  WEBHOOK_FIRST_RETRY_MS: '200',
  WEBHOOK_MAX_RETRY_DELAY_MS: '1000',
};

interface RecordedEventJson {
  id: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
}

async function graphql<Data>(
  service: ServiceProcess,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Data> {
  const response = await fetch(`${service.baseUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Data; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as Data;
}

async function createWebhook(service: ServiceProcess, url: string, eventTypes: string[] = []) {
  const data = await graphql<{ createWebhook: { secret: string; webhook: { id: string } } }>(
    service,
    `
      mutation ($input: CreateWebhookInput!) {
        createWebhook(input: $input) {
          secret
          webhook {
            id
          }
        }
      }
    `,
    { input: { url, eventTypes } },
  );
  return { id: data.createWebhook.webhook.id, secret: data.createWebhook.secret };
}

async function reportIncident(service: ServiceProcess, title: string): Promise<string> {
  const data = await graphql<{ reportIncident: { id: string } }>(
    service,
    `
      mutation ($input: ReportIncidentInput!) {
        reportIncident(input: $input) {
          id
        }
      }
    `,
    {
      input: {
        title,
        kind: 'NEAR_MISS',
        severity: 'SEV4',
        services: ['checkout'],
        detectionSource: 'MONITORING_ALERT',
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      },
    },
  );
  return data.reportIncident.id;
}

async function addTimelineEntry(service: ServiceProcess, incidentId: string, text: string): Promise<void> {
  await graphql(
    service,
    `
      mutation ($input: AddTimelineEntryInput!) {
        addTimelineEntry(input: $input) {
          id
        }
      }
    `,
    { input: { incidentId, at: new Date().toISOString(), text } },
  );
}

/** The events of the incident and action-item streams since `after`, from the service's own log. */
async function loggedEvents(
  service: ServiceProcess,
  after: string | null = null,
): Promise<RecordedEventJson[]> {
  const events: RecordedEventJson[] = [];
  let cursor = after;
  for (;;) {
    const data = await graphql<{
      events: { edges: { node: RecordedEventJson }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
    }>(
      service,
      `
        query ($after: String) {
          events(first: 100, after: $after) {
            edges {
              node {
                id
                streamId
                revision
                position
                type
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      `,
      { after: cursor },
    );
    events.push(...data.events.edges.map((edge) => edge.node));
    if (!data.events.pageInfo.hasNextPage) return events;
    cursor = data.events.pageInfo.endCursor;
  }
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Checks every request is signed by the webhook's secret, as a receiver would with the library. */
function verifyAll(requests: Received[], secret: string): RecordedEventJson[] {
  const verifier = new StandardWebhook(secret);
  return requests.map((request) => verifier.verify(request.body, request.headers) as RecordedEventJson);
}

/**
 * Deliveries in the order received: within each stream, each event's first delivery comes after the
 * first delivery of the one before it (a repeat, allowed by at-least-once, is not a new place).
 */
function expectInOrderPerStream(events: RecordedEventJson[]): void {
  const last = new Map<string, number>();
  const outOfOrder: string[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const before = last.get(event.streamId) ?? -1;
    if (event.revision <= before) outOfOrder.push(`${event.streamId}@${event.revision} after @${before}`);
    last.set(event.streamId, Math.max(before, event.revision));
  }
  expect(outOfOrder).toEqual([]);
}

describe('webhook delivery (service process, loopback receivers)', () => {
  jest.setTimeout(120_000);
  const services: ServiceProcess[] = [];
  const receivers: WebhookReceiver[] = [];

  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await Promise.all(receivers.splice(0).map((receiver) => receiver.down()));
  });

  const start = async (env: NodeJS.ProcessEnv = {}, on?: { dataDir: string; port: number }) => {
    const service = await ServiceProcess.start({ ...ENV, ...env }, on);
    services.push(service);
    return service;
  };
  const receiver = async () => {
    const started = await WebhookReceiver.start();
    receivers.push(started);
    return started;
  };

  it('delivers every event at least once and in order per stream through failures and an outage, signed', async () => {
    const service = await start();
    const hook = await receiver();
    hook.failNext = 3;
    const { id: webhookId, secret } = await createWebhook(service, hook.url);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const incidents = [
      await reportIncident(service, 'Cache stampede'),
      await reportIncident(service, 'DNS flap'),
    ];
    for (let i = 0; i < 5; i++) for (const id of incidents) await addTimelineEntry(service, id, `step ${i}`);
    await eventually(() => hook.requests.length >= 3, 'the first three failed attempts');
    // Down for a while: connections refused, then back on the same port.
    await hook.down();
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await hook.up();

    const logged = await loggedEvents(service);
    expect(logged).toHaveLength(12);
    await eventually(
      () => new Set(hook.delivered.map((request) => request.headers['webhook-id'])).size === 12,
      'all 12 events delivered',
      30_000,
    );
    const verified = verifyAll(hook.delivered, secret);
    expect(new Set(verified.map((event) => event.id))).toEqual(new Set(logged.map((event) => event.id)));
    expectInOrderPerStream(verified);
    expect(verifyAll(hook.requests, secret)).toHaveLength(hook.requests.length);
    // The body is the stored event in the contract's RecordedEvent shape.
    const firstEvent = hook.delivered.find(
      (request) => (JSON.parse(request.body) as RecordedEventJson).id === logged[0].id,
    )!;
    expect(JSON.parse(firstEvent.body)).toEqual(
      expect.objectContaining({
        id: logged[0].id,
        streamId: logged[0].streamId,
        revision: 0,
        position: logged[0].position,
        type: 'IncidentReported',
        version: 1,
        data: expect.objectContaining({ title: 'Cache stampede' }),
        actor: expect.any(String),
        occurredAt: expect.any(String),
        recordedAt: expect.any(String),
      }),
    );
    // A retry keeps its webhook-id: every attempt at one event carries the same one, and the three
    // failed attempts were retried.
    const idsByEvent = new Map<string, Set<string>>();
    for (const request of hook.requests) {
      const { id } = JSON.parse(request.body) as RecordedEventJson;
      idsByEvent.set(id, (idsByEvent.get(id) ?? new Set()).add(request.headers['webhook-id']));
    }
    expect([...idsByEvent.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(hook.requests.length).toBeGreaterThanOrEqual(12 + 3);
    const firstId = [...idsByEvent.get(logged[0].id)!][0];

    // Delivery state is saved in batches, a moment after the receiver got it.
    await eventually(
      async () =>
        (
          await graphql<{ webhooks: { deliveries: { totalCount: number } }[] }>(
            service,
            '{ webhooks { deliveries(status: DELIVERED) { totalCount } } }',
          )
        ).webhooks[0].deliveries.totalCount === 12,
      'the 12 deliveries saved as DELIVERED',
    );
    const seen = await graphql<{
      webhooks: {
        id: string;
        checkpoint: string | null;
        lag: number;
        deliveries: {
          totalCount: number;
          edges: {
            node: {
              id: string;
              status: string;
              attempts: number;
              lastStatusCode: number;
              event: { id: string };
            };
          }[];
        };
      }[];
    }>(
      service,
      `
        {
          webhooks {
            id
            checkpoint
            lag
            deliveries(first: 20) {
              totalCount
              edges {
                node {
                  id
                  status
                  attempts
                  lastStatusCode
                  lastError
                  event {
                    id
                  }
                }
              }
            }
          }
        }
      `,
    );
    const webhook = seen.webhooks.find((candidate) => candidate.id === webhookId)!;
    await eventually(
      async () =>
        (await graphql<{ webhooks: { lag: number }[] }>(service, '{ webhooks { lag } }')).webhooks[0].lag ===
        0,
      'lag 0',
    );
    expect(webhook.deliveries.totalCount).toBe(12);
    const first = webhook.deliveries.edges.find((edge) => edge.node.id === firstId)!.node;
    expect(first).toMatchObject({ status: 'DELIVERED', lastStatusCode: 200, event: { id: logged[0].id } });
    // Its first attempt was among the first two requests (one per lane at most), which failed.
    expect(first.attempts).toBeGreaterThanOrEqual(2);
    // Newest first.
    expect(webhook.deliveries.edges[0].node.event.id).toBe(logged[logged.length - 1].id);
  });

  it('resumes from its checkpoint after a SIGKILL mid-retry and loses nothing', async () => {
    const hook = await receiver();
    hook.answer = 503;
    const first = await start();
    const { secret } = await createWebhook(first, hook.url);
    const incident = await reportIncident(first, 'Queue backlog');
    for (let i = 0; i < 4; i++) await addTimelineEntry(first, incident, `entry ${i}`);
    await eventually(() => hook.requests.length >= 3, 'some failed attempts');
    const logged = await loggedEvents(first);
    await first.kill();

    hook.answer = 200;
    const second = await start({}, { dataDir: first.dataDir, port: first.port });
    await eventually(
      () => new Set(hook.delivered.map((request) => request.headers['webhook-id'])).size === logged.length,
      'every event delivered after the restart',
      30_000,
    );
    const delivered = verifyAll(hook.delivered, secret);
    expect(new Set(delivered.map((event) => event.id))).toEqual(new Set(logged.map((event) => event.id)));
    expectInOrderPerStream(delivered);
    await second.stop();
    services.splice(services.indexOf(second), 1);
  });

  it('keeps delivering to one webhook while another receiver hangs, and the API does not slow down', async () => {
    const service = await start({ WEBHOOK_TIMEOUT_MS: '10000' });
    const incidents = await Promise.all(
      Array.from({ length: 10 }, (_, i) => reportIncident(service, `Incident ${i} for load`)),
    );
    const writeAndTime = async (label: string) => {
      const latencies: number[] = [];
      let stop = false;
      const probe = (async () => {
        while (!stop) {
          const started = performance.now();
          await graphql(service, 'query($id: ID!) { incident(id: $id) { id title } }', { id: incidents[0] });
          latencies.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (next < 1_000) {
            const i = next++;
            await addTimelineEntry(service, incidents[i % incidents.length], `${label} ${i}`);
          }
        }),
      );
      stop = true;
      await probe;
      latencies.sort((a, b) => a - b);
      return latencies[Math.floor(latencies.length * 0.5)];
    };

    // The API's latency while 1,000 events are written with no webhook at all...
    const baselineP50 = await writeAndTime('baseline');

    // ...and with a webhook whose receiver never answers beside one that does.
    const hanging = await receiver();
    hanging.answer = 'hang';
    const fast = await receiver();
    await createWebhook(service, hanging.url);
    const { secret } = await createWebhook(service, fast.url, ['TimelineEntryAdded']);
    const withWebhooksP50 = await writeAndTime('delivered');
    const writtenAt = Date.now();
    await eventually(() => fast.delivered.length >= 1_000, 'the fast webhook got all 1,000 events', 15_000);
    expect(Date.now() - writtenAt).toBeLessThan(10_000);
    const delivered = verifyAll(fast.delivered, secret);
    expect(delivered.filter((event) => event.type === 'TimelineEntryAdded')).toHaveLength(1_000);
    expectInOrderPerStream(delivered);
    // The hanging receiver holds its own deliveries only: per stream, the first event (attempted again
    // after each 10 s timeout) and nothing after it, since order within a stream is never passed;
    // a few streams at once (one per lane, 8 lanes).
    const held = new Map<string, Set<string>>();
    for (const request of hanging.requests) {
      const { streamId } = JSON.parse(request.body) as RecordedEventJson;
      held.set(streamId, (held.get(streamId) ?? new Set()).add(request.headers['webhook-id']));
    }
    expect(hanging.requests.length).toBeGreaterThanOrEqual(1);
    expect([...held.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(held.size).toBeLessThanOrEqual(8);
    expect(withWebhooksP50).toBeLessThan(baselineP50 * 2 + 10);
  });

  it('stops delivering at once when the webhook is deleted, and sends FAILED deliveries again on request', async () => {
    const service = await start({ WEBHOOK_RETRY_WINDOW_HOURS: '0.0005' }); // 1.8 s
    const hook = await receiver();
    hook.answer = 500;
    const { id: webhookId, secret } = await createWebhook(service, hook.url);
    const incident = await reportIncident(service, 'Disk full on a replica');
    const failed = async () =>
      (
        await graphql<{
          webhooks: {
            deliveries: { totalCount: number; edges: { node: { id: string; lastError: string } }[] };
          }[];
        }>(
          service,
          '{ webhooks { deliveries(status: FAILED) { totalCount edges { node { id lastError } } } } }',
        )
      ).webhooks[0].deliveries;
    await eventually(
      async () => (await failed()).totalCount === 1,
      'the delivery FAILED after its window',
      20_000,
    );
    expect((await failed()).edges[0].node.lastError).toMatch(/500/);

    hook.answer = 200;
    await graphql(
      service,
      'mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { id } }',
      {
        input: { webhookId },
      },
    );
    await eventually(() => hook.delivered.length === 1, 'the FAILED delivery sent again');
    expect(verifyAll(hook.delivered, secret)[0]).toMatchObject({
      streamId: `incident-${incident}`,
      revision: 0,
    });
    await eventually(async () => (await failed()).totalCount === 0, 'no FAILED delivery left');

    await graphql(service, 'mutation($id: ID!) { deleteWebhook(id: $id) { id } }', { id: webhookId });
    const before = hook.requests.length;
    await addTimelineEntry(service, incident, 'after the delete');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(hook.requests.length).toBe(before);
  });

  it('sends a new webhook only the events stored after its creation, of its types, never keys or webhooks', async () => {
    const service = await start();
    const early = await reportIncident(service, 'Before the webhook');
    const hook = await receiver();
    const { secret } = await createWebhook(service, hook.url, ['TimelineEntryAdded']);
    await addTimelineEntry(service, early, 'after the webhook');
    await reportIncident(service, 'Not of its types');
    await graphql(service, 'mutation { createApiKey(input: { name: "x", role: VIEWER }) { secret } }');
    await eventually(() => hook.delivered.length >= 1, 'the timeline entry delivered');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(verifyAll(hook.requests, secret).map((event) => event.type)).toEqual(['TimelineEntryAdded']);
  });
});
