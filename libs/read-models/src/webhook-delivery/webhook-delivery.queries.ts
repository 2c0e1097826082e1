import { LessThan, MoreThan, type DataSource } from 'typeorm';
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

/** The columns of webhook_deliveries, in the order of the statements below, with their row fields. */
const DELIVERY_COLUMNS: ReadonlyArray<readonly [string, keyof WebhookDeliveryRow]> = [
  ['id', 'id'],
  ['webhook_id', 'webhookId'],
  ['event_id', 'eventId'],
  ['stream_id', 'streamId'],
  ['revision', 'revision'],
  ['position', 'position'],
  ['event_type', 'eventType'],
  ['status', 'status'],
  ['attempts', 'attempts'],
  ['first_attempt_at', 'firstAttemptAt'],
  ['last_attempt_at', 'lastAttemptAt'],
  ['last_status_code', 'lastStatusCode'],
  ['last_error', 'lastError'],
  ['last_latency_ms', 'lastLatencyMs'],
  ['next_attempt_at', 'nextAttemptAt'],
  ['delivered_at', 'deliveredAt'],
];
/** Rows per statement: 200 × 16 parameters stays far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_STATEMENT = 200;

/**
 * Writes delivery rows (by id, replacing) and checkpoints in one transaction. Plain SQL, one
 * multi-row upsert per 200 rows: delivery writes hundreds of rows a second, and the ORM's upsert
 * builder cost more than the database.
 */
export async function saveDeliveryProgress(
  dataSource: DataSource,
  progress: DeliveryProgress,
): Promise<void> {
  if (progress.deliveries.length === 0 && progress.checkpoints.size === 0) return;
  const postgres = dataSource.options.type === 'postgres';
  const placeholder = (n: number) => (postgres ? `$${n}` : '?');
  const updatedAt = new Date().toISOString();
  await dataSource.transaction(async (manager) => {
    for (let i = 0; i < progress.deliveries.length; i += ROWS_PER_STATEMENT) {
      const rows = progress.deliveries.slice(i, i + ROWS_PER_STATEMENT);
      const values: unknown[] = [];
      const tuples = rows.map((row) => {
        const start = values.length;
        for (const [, field] of DELIVERY_COLUMNS) values.push(row[field]);
        return `(${DELIVERY_COLUMNS.map((_, k) => placeholder(start + k + 1)).join(', ')})`;
      });
      const columns = DELIVERY_COLUMNS.map(([column]) => column);
      await manager.query(
        `INSERT INTO webhook_deliveries (${columns.join(', ')}) VALUES ${tuples.join(', ')}
         ON CONFLICT (id) DO UPDATE SET ${columns
           .slice(1)
           .map((column) => `${column} = excluded.${column}`)
           .join(', ')}`,
        values,
      );
    }
    for (const [webhookId, position] of progress.checkpoints)
      await manager.query(
        `INSERT INTO webhook_checkpoints (webhook_id, position, updated_at) VALUES (${placeholder(1)}, ${placeholder(2)}, ${placeholder(3)})
         ON CONFLICT (webhook_id) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at`,
        [webhookId, position, updatedAt],
      );
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
 * A webhook's deliveries after its checkpoint (where a worker resumes): those in flight when it
 * stopped, retrying or delivered ahead of a slower lane. Few: at most what its lanes held.
 */
export async function deliveriesAfter(
  dataSource: DataSource,
  webhookId: string,
  position: string,
): Promise<WebhookDeliveryRow[]> {
  return dataSource.manager.find(WebhookDeliveryRow, {
    where: { webhookId, position: MoreThan(position) },
    order: { position: 'ASC' },
    take: 10_000,
  });
}

/**
 * The deliveries at or behind `upTo` (a webhook's checkpoint: the delivery in flight is after it) that
 * are due again, redelivered or retrying, oldest first. Plain SQL with the statuses as literals: the
 * partial index `webhook_deliveries_due` holds only these rows, and a database uses a partial index
 * only when the statement's condition visibly implies the index's.
 */
export async function dueRedeliveries(
  dataSource: DataSource,
  webhookId: string,
  upTo: string,
  now: Date,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  const postgres = dataSource.options.type === 'postgres';
  const p = (n: number) => (postgres ? `$${n}` : '?');
  const rows: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT ${DELIVERY_COLUMNS.map(([column]) => column).join(', ')} FROM webhook_deliveries
     WHERE webhook_id = ${p(1)} AND status IN ('PENDING', 'RETRYING')
       AND position <= ${p(2)} AND next_attempt_at <= ${p(3)}
     ORDER BY position ASC, id ASC LIMIT ${p(4)}`,
    [webhookId, upTo, now.toISOString(), limit],
  );
  return rows.map((raw) => {
    const row = new WebhookDeliveryRow();
    for (const [column, field] of DELIVERY_COLUMNS) Object.assign(row, { [field]: raw[column] });
    return row;
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

/**
 * Forgets DELIVERED deliveries delivered before `before` (FAILED, RETRYING and PENDING ones stay
 * until they are delivered): the list keeps what admins look into, not every event forever.
 */
export async function pruneDeliveredBefore(dataSource: DataSource, before: Date): Promise<number> {
  const result = await dataSource.manager.delete(WebhookDeliveryRow, {
    status: 'DELIVERED',
    deliveredAt: LessThan(before.toISOString()),
  });
  return result.affected ?? 0;
}

/** A webhook's deliveries, newest first (by the event's position), optionally of one status. */
export async function listWebhookDeliveries(
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
    // Sorted by the event's position in the store (opaque, ordered as text).
    (key) => key.length > 0 && key.length <= 200,
  );
}
