import { IsNull, type DataSource } from 'typeorm';
import { WebhookRow } from './webhook.entity';

/** A webhook registration as the read model holds it (never with its secret). */
export interface WebhookView {
  readonly id: string;
  readonly revision: number;
  readonly url: string;
  readonly eventTypes: string[];
  readonly createdAt: string;
  readonly createdPosition: string;
  readonly deletedAt: string | null;
}

/** The webhooks that are not deleted, oldest first. */
export async function listWebhooks(dataSource: DataSource): Promise<WebhookView[]> {
  const rows = await dataSource.manager.find(WebhookRow, {
    where: { deletedAt: IsNull() },
    order: { createdAt: 'ASC', id: 'ASC' },
  });
  return rows.map(toWebhookView);
}

/** The webhook with this id, deleted or not. */
export async function findWebhookById(dataSource: DataSource, id: string): Promise<WebhookView | null> {
  const row = await dataSource.manager.findOneBy(WebhookRow, { id });
  return row && toWebhookView(row);
}

function toWebhookView(row: WebhookRow): WebhookView {
  return {
    id: row.id,
    revision: row.revision,
    url: row.url,
    eventTypes: row.eventTypes,
    createdAt: row.createdAt,
    createdPosition: row.createdPosition,
    deletedAt: row.deletedAt,
  };
}
