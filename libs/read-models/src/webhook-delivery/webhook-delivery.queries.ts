import { In, LessThanOrEqual, type DataSource } from 'typeorm';
import { InvalidQueryArgumentError, keysetPage, type Connection } from '../query-arguments';
import {
  WEBHOOK_DELIVERY_STATUSES,
  WebhookCheckpointRow,
  WebhookDeliveryRow,
  type WebhookDeliveryStatus,
} from './webhook-delivery.entity';

/** What delivery learned since its last save: delivery rows to write whole, checkpoints to move. */
export interface DeliveryProgress {
  readonly deliveries: readonly WebhookDeliveryRow[];
  readonly checkpoints: ReadonlyMap<string, string>;
}

/** Writes delivery rows (by id, replacing) and checkpoints in one transaction. */
export async function saveDeliveryProgress(
  dataSource: DataSource,
  progress: DeliveryProgress,
): Promise<void> {
  if (progress.deliveries.length === 0 && progress.checkpoints.size === 0) return;
  const updatedAt = new Date().toISOString();
  await dataSource.transaction(async (manager) => {
    // In chunks: one statement per chunk stays below every parameter limit (SQLite: 32,766).
    for (let i = 0; i < progress.deliveries.length; i += 500)
      await manager.upsert(WebhookDeliveryRow, [...progress.deliveries.slice(i, i + 500)], ['id']);
    const checkpoints = [...progress.checkpoints].map(([webhookId, position]) => ({
      webhookId,
      position,
      updatedAt,
    }));
    if (checkpoints.length > 0) await manager.upsert(WebhookCheckpointRow, checkpoints, ['webhookId']);
  });
}

export async function readWebhookCheckpoint(
  dataSource: DataSource,
  webhookId: string,
): Promise<string | null> {
  const row = await dataSource.manager.findOneBy(WebhookCheckpointRow, { webhookId });
  return row?.position ?? null;
}

export async function findDelivery(dataSource: DataSource, id: string): Promise<WebhookDeliveryRow | null> {
  return dataSource.manager.findOneBy(WebhookDeliveryRow, { id });
}

/**
 * The deliveries at or behind `upTo` (a webhook's checkpoint: the delivery in flight is after it) that
 * are due again, redelivered or retrying, oldest first.
 */
export async function dueRedeliveries(
  dataSource: DataSource,
  webhookId: string,
  upTo: string,
  now: Date,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  return dataSource.manager.find(WebhookDeliveryRow, {
    where: {
      webhookId,
      status: In(['PENDING', 'RETRYING']),
      position: LessThanOrEqual(upTo),
      nextAttemptAt: LessThanOrEqual(now.toISOString()),
    },
    order: { position: 'ASC', id: 'ASC' },
    take: limit,
  });
}

/**
 * Sends deliveries again: one (any status) or every FAILED one of the webhook. They become PENDING,
 * due now, with a fresh retry window; their attempts keep counting. Returns how many.
 */
export async function markForRedelivery(
  dataSource: DataSource,
  webhookId: string,
  deliveryId: string | null,
  now: Date,
): Promise<number> {
  const where =
    deliveryId === null ? { webhookId, status: 'FAILED' as const } : { webhookId, id: deliveryId };
  const result = await dataSource.manager.update(WebhookDeliveryRow, where, {
    status: 'PENDING',
    nextAttemptAt: now.toISOString(),
    firstAttemptAt: null,
  });
  return result.affected ?? 0;
}

/** A webhook's deliveries, newest first (by the event's position), optionally of one status. */
export function listWebhookDeliveries(
  dataSource: DataSource,
  webhookId: string,
  args: { status?: string | null; first?: number | null; after?: string | null },
): Promise<Connection<WebhookDeliveryRow>> {
  const query = dataSource.manager
    .createQueryBuilder(WebhookDeliveryRow, 'd')
    .where('d.webhook_id = :webhookId', { webhookId });
  if (args.status !== null && args.status !== undefined) {
    if (!(WEBHOOK_DELIVERY_STATUSES as readonly string[]).includes(args.status))
      throw new InvalidQueryArgumentError(
        'status',
        `must be one of ${WEBHOOK_DELIVERY_STATUSES.join(', ')}.`,
      );
    query.andWhere('d.status = :status', { status: args.status as WebhookDeliveryStatus });
  }
  return keysetPage(
    query,
    { time: 'd.position', id: 'd.id' },
    'webhookDeliveries',
    (row) => ({ time: row.position, id: row.id }),
    args,
  );
}
