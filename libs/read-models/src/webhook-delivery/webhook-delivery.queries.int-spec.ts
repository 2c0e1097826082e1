import type { DataSource } from 'typeorm';
import { describeOnReadModelDatabases } from '../testing/read-model-databases';
import type { WebhookDeliveryRow } from './webhook-delivery.entity';
import {
  deliveriesAfter,
  dueRedeliveries,
  findDelivery,
  listWebhookDeliveries,
  markForRedelivery,
  pruneDeliveredBefore,
  readWebhookCheckpoint,
  saveDeliveryProgress,
} from './webhook-delivery.queries';

const position = (n: number) => String(n).padStart(20, '0');

function row(n: number, overrides: Partial<WebhookDeliveryRow> = {}): WebhookDeliveryRow {
  return {
    id: `delivery-${n}`,
    webhookId: 'hook-1',
    eventId: `event-${n}`,
    streamId: `incident-${n % 3}`,
    revision: n,
    position: position(n),
    eventType: 'TimelineEntryAdded',
    status: 'DELIVERED',
    attempts: 1,
    firstAttemptAt: '2026-12-01T10:00:00.000Z',
    lastAttemptAt: '2026-12-01T10:00:00.000Z',
    lastStatusCode: 200,
    lastError: null,
    lastLatencyMs: 3,
    nextAttemptAt: null,
    deliveredAt: '2026-12-01T10:00:00.010Z',
    ...overrides,
  };
}

describeOnReadModelDatabases('webhook delivery state', (databases) => {
  let db: DataSource;
  beforeAll(async () => {
    db = await databases.open();
  });
  afterAll(() => databases.cleanup());

  it('saves rows and checkpoints in batches, a later save of a row replacing it whole', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => row(i + 1));
    await saveDeliveryProgress(db, { deliveries: rows, checkpoints: new Map([['hook-1', position(450)]]) });
    expect(await readWebhookCheckpoint(db, 'hook-1')).toBe(position(450));
    expect(await readWebhookCheckpoint(db, 'hook-2')).toBeNull();

    const failed = row(7, {
      status: 'FAILED',
      attempts: 30,
      lastStatusCode: 503,
      lastError: 'HTTP 503: not now',
      deliveredAt: null,
    });
    await saveDeliveryProgress(db, {
      deliveries: [failed],
      checkpoints: new Map([['hook-1', position(451)]]),
    });
    expect(await findDelivery(db, 'delivery-7')).toEqual(failed);
    expect(await readWebhookCheckpoint(db, 'hook-1')).toBe(position(451));
  });

  it('lists a webhook’s deliveries newest first, page by page, of one status or all', async () => {
    const first = await listWebhookDeliveries(db, 'hook-1', { first: 2 });
    expect(first.totalCount).toBe(450);
    expect(first.edges.map((edge) => edge.node.id)).toEqual(['delivery-450', 'delivery-449']);
    const second = await listWebhookDeliveries(db, 'hook-1', { first: 2, after: first.pageInfo.endCursor });
    expect(second.edges.map((edge) => edge.node.id)).toEqual(['delivery-448', 'delivery-447']);
    const failed = await listWebhookDeliveries(db, 'hook-1', { status: 'FAILED' });
    expect(failed.totalCount).toBe(1);
    expect(failed.edges[0].node).toMatchObject({ id: 'delivery-7', lastError: 'HTTP 503: not now' });
    await expect(listWebhookDeliveries(db, 'hook-1', { status: 'LOST' })).rejects.toThrow(
      'must be one of PENDING, RETRYING, DELIVERED, FAILED',
    );
    expect((await listWebhookDeliveries(db, 'hook-2', {})).totalCount).toBe(0);
  });

  it('marks FAILED deliveries (or one) for redelivery, due now with a fresh window', async () => {
    const now = new Date('2026-12-02T12:00:00.000Z');
    expect(await markForRedelivery(db, 'hook-1', null, now)).toBe(1);
    expect(await findDelivery(db, 'delivery-7')).toMatchObject({
      status: 'PENDING',
      attempts: 30,
      firstAttemptAt: null,
      nextAttemptAt: now.toISOString(),
    });
    expect(await markForRedelivery(db, 'hook-1', 'delivery-9', now)).toBe(1);
    expect(await markForRedelivery(db, 'hook-2', 'delivery-9', now)).toBe(0);

    // Due: behind the checkpoint given, due by now, oldest first.
    const due = await dueRedeliveries(db, 'hook-1', position(8), now, 10);
    expect(due).toEqual([await findDelivery(db, 'delivery-7')]);
    expect(
      (await dueRedeliveries(db, 'hook-1', position(450), now, 10)).map((delivery) => delivery.id),
    ).toEqual(['delivery-7', 'delivery-9']);
    expect(await dueRedeliveries(db, 'hook-1', position(450), new Date('2026-12-02T11:00:00Z'), 10)).toEqual(
      [],
    );
  });

  // SQLite walked every delivery of the webhook by position before (21 ms a look at 50,000 rows);
  // PostgreSQL's planner chooses by its statistics, so the plan is checked on SQLite only.
  if (databases.kind === 'sqlite')
    it('looks for due deliveries in the index of those still to attempt, not among the delivered', async () => {
      const plan: Array<{ detail: string }> = await db.query(
        `EXPLAIN QUERY PLAN SELECT id FROM webhook_deliveries WHERE webhook_id = ? AND status IN ('PENDING', 'RETRYING')
       AND position <= ? AND next_attempt_at <= ? ORDER BY position ASC, id ASC LIMIT 50`,
        ['hook-1', position(450), '2026-12-02T12:00:00.000Z'],
      );
      expect(plan.map((step) => step.detail).join(' ')).toMatch(/USING INDEX webhook_deliveries_due/);
    });

  it('finds the deliveries after a position, where a worker resumes', async () => {
    const after = await deliveriesAfter(db, 'hook-1', position(447));
    expect(after.map((delivery) => delivery.id)).toEqual(['delivery-448', 'delivery-449', 'delivery-450']);
  });
  it('prunes DELIVERED deliveries delivered before a time, and only those', async () => {
    await saveDeliveryProgress(db, {
      deliveries: [row(500, { webhookId: 'hook-3', deliveredAt: '2026-12-09T00:00:00.000Z' })],
      checkpoints: new Map(),
    });
    const pruned = await pruneDeliveredBefore(db, new Date('2026-12-05T00:00:00.000Z'));
    expect(pruned).toBe(448); // 450 saved, one FAILED then PENDING (7), one PENDING (9)
    expect((await listWebhookDeliveries(db, 'hook-1', {})).edges.map((edge) => edge.node.id)).toEqual([
      'delivery-9',
      'delivery-7',
    ]);
    expect(await findDelivery(db, 'delivery-500')).not.toBeNull();
  });
});
