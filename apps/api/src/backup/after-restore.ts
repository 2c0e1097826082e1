import { MoreThan, type DataSource } from 'typeorm';
import { WebhookCheckpointRow } from '@kb/read-models';

/**
 * After a restore the log ends at `head`, and the store gives the next events the positions after
 * it, positions the lost events had. A webhook whose checkpoint lies beyond `head` would skip those
 * new events: its checkpoint is brought back to `head` (the events it had delivered beyond are gone
 * from the log). Delivery rows are not projections, so the rebuild left them as they were.
 * Returns how many webhooks were brought back.
 */
export async function pullBackWebhookCheckpoints(dataSource: DataSource, head: string): Promise<number> {
  const result = await dataSource.manager.update(
    WebhookCheckpointRow,
    { position: MoreThan(head) },
    { position: head, updatedAt: new Date().toISOString() },
  );
  return result.affected ?? 0;
}
