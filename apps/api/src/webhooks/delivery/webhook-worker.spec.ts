import type { EventStore, StoredEvent, Subscription, SubscriptionMessage } from '@kb/event-store';
import type { WebhookDeliveryRow } from '@kb/read-models';
import type { AttemptRequest, AttemptResult } from './delivery-transport';
import type { DeliveryRecorder } from './delivery-recorder';
import { WebhookWorker } from './webhook-worker';

/** A worker against fakes: a store that yields the given events, a recorder that keeps what it gets. */
function setUp(options: {
  events: StoredEvent[];
  saved?: WebhookDeliveryRow[];
  answers: Array<number | 'hang'>;
  now: () => Date;
  windowMs?: number;
}) {
  const recorded: WebhookDeliveryRow[] = [];
  const checkpoints: string[] = [];
  const sent: AttemptRequest[] = [];
  let answer = 0;
  const store = {
    subscribeToAll: (): Subscription => {
      let closed = false;
      return {
        close: async () => {
          closed = true;
        },
        async *[Symbol.asyncIterator](): AsyncGenerator<SubscriptionMessage> {
          for (const event of options.events) if (!closed) yield { kind: 'event', event };
          yield { kind: 'caughtUp' };
          while (!closed) await new Promise((resolve) => setTimeout(resolve, 5));
        },
      };
    },
  } as unknown as EventStore;
  const recorder = {
    delivery: (row: WebhookDeliveryRow) => recorded.push(row),
    unwritten: () => undefined,
    checkpoint: (_id: string, position: string) => checkpoints.push(position),
  } as unknown as DeliveryRecorder;
  const worker = new WebhookWorker(
    {
      id: 'hook-1',
      url: 'https://hooks.example.com/kb',
      eventTypes: [],
      secret: 'whsec_x',
      createdPosition: '0',
    },
    {
      policy: { firstRetryMs: 1, maxRetryDelayMs: 2, retryWindowMs: options.windowMs ?? 60_000 },
      timeoutMs: 1_000,
      allowPrivate: false,
      streamPrefixes: ['incident-'],
      lanes: 2,
    },
    {
      store,
      recorder,
      send: async (request): Promise<AttemptResult> => {
        sent.push(request);
        const status = options.answers[Math.min(answer++, options.answers.length - 1)];
        // A receiver that never answers: the attempt ends only when it is aborted (as the HTTP client's).
        if (status === 'hang')
          return new Promise((resolve) =>
            request.signal?.addEventListener('abort', () =>
              resolve({ delivered: false, statusCode: null, latencyMs: 1, error: 'aborted' }),
            ),
          );
        return {
          delivered: status === 200,
          statusCode: status,
          latencyMs: 1,
          error: status === 200 ? null : `HTTP ${status}`,
        };
      },
      sign: ({ deliveryId }) => ({ 'webhook-id': deliveryId }),
      checkpointOf: async () => null,
      savedDeliveriesAfter: async () => options.saved ?? [],
      deliveryIdOf: (webhookId, eventId) => `${webhookId}/${eventId}`,
      clock: options.now,
    },
  );
  return { worker, recorded, checkpoints, sent };
}

const event = (n: number): StoredEvent => ({
  id: `event-${n}`,
  streamId: 'incident-a',
  revision: n - 1,
  position: String(n),
  type: 'TimelineEntryAdded',
  data: { n },
  metadata: { actor: 'k', schemaVersion: 1 },
  recordedAt: new Date('2026-12-01T00:00:00Z'),
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

describe('WebhookWorker', () => {
  it('retries a failing delivery with the same id, holds the next event of its stream, then moves on', async () => {
    const { worker, recorded, checkpoints, sent } = setUp({
      events: [event(1), event(2)],
      answers: [500, 500, 200],
      now: () => new Date(),
    });
    worker.start();
    await until(() => checkpoints.includes('2'));
    await worker.stop();
    expect(sent.map((request) => request.headers['webhook-id'])).toEqual([
      'hook-1/event-1',
      'hook-1/event-1',
      'hook-1/event-1',
      'hook-1/event-2',
    ]);
    expect(recorded.filter((row) => row.id === 'hook-1/event-1').map((row) => row.status)).toEqual([
      'RETRYING',
      'RETRYING',
      'DELIVERED',
    ]);
    expect(checkpoints).toEqual(['1', '2']);
  });

  it('resumes a saved retrying delivery with its attempts and window, and gives up when the window passes', async () => {
    const now = new Date('2026-12-02T12:00:00.000Z');
    const saved: WebhookDeliveryRow = {
      id: 'hook-1/event-1',
      webhookId: 'hook-1',
      eventId: 'event-1',
      streamId: 'incident-a',
      revision: 0,
      position: '1',
      eventType: 'TimelineEntryAdded',
      status: 'RETRYING',
      attempts: 7,
      // The window (60 s) began long before the restart: the next failure ends it.
      firstAttemptAt: '2026-12-02T11:00:00.000Z',
      lastAttemptAt: '2026-12-02T11:59:59.000Z',
      lastStatusCode: 503,
      lastError: 'HTTP 503',
      lastLatencyMs: 1,
      nextAttemptAt: '2026-12-02T11:59:59.500Z',
      deliveredAt: null,
    };
    const { worker, recorded, checkpoints, sent } = setUp({
      events: [event(1), event(2)],
      saved: [saved],
      answers: [503, 200],
      now: () => now,
    });
    worker.start();
    await until(() => checkpoints.includes('2'));
    await worker.stop();
    expect(recorded[0]).toMatchObject({
      id: 'hook-1/event-1',
      status: 'FAILED',
      attempts: 8,
      nextAttemptAt: null,
    });
    expect(recorded[0].firstAttemptAt).toBe('2026-12-02T11:00:00.000Z');
    expect(sent).toHaveLength(2);
  });

  it('skips an event whose saved delivery is DELIVERED already (saved before its checkpoint was)', async () => {
    const { worker, checkpoints, sent } = setUp({
      events: [event(1), event(2)],
      saved: [
        {
          ...({} as WebhookDeliveryRow),
          id: 'hook-1/event-1',
          status: 'DELIVERED',
          position: '1',
        },
      ],
      answers: [200],
      now: () => new Date(),
    });
    worker.start();
    await until(() => checkpoints.includes('2'));
    await worker.stop();
    expect(sent.map((request) => request.headers['webhook-id'])).toEqual(['hook-1/event-2']);
  });

  it('stops at once: the attempt in flight is aborted and nothing more is sent', async () => {
    const { worker, sent } = setUp({
      events: [event(1), event(2)],
      answers: ['hang'],
      now: () => new Date(),
    });
    worker.start();
    await until(() => sent.length === 1);
    const stopping = worker.stop();
    expect(sent[0].signal?.aborted).toBe(true);
    await stopping;
    expect(sent).toHaveLength(1);
  });
});
