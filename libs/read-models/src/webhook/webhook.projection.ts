import { WEBHOOK_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { isWebhookEvent, type ProjectedEvent } from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime } from '../read-model-time';
import { WebhookRow } from './webhook.entity';

/**
 * Webhook registrations, without their secrets. An event is applied only when its revision is above
 * the row's, so applying it again changes nothing.
 */
export class WebhookProjection implements Projection {
  readonly name = 'webhooks';
  readonly streamPrefixes = [WEBHOOK_STREAM_PREFIX];
  readonly tables = ['webhooks'];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (!isWebhookEvent(event)) return;
    const existing = await manager.findOneBy(WebhookRow, { id: event.data.webhookId });
    if (existing && existing.revision >= event.revision) return;
    switch (event.type) {
      case 'WebhookCreated': {
        // Every field but the secret, named one by one so that a new field is not copied by accident.
        const { webhookId, url, eventTypes, createdAt } = event.data;
        await manager.upsert(
          WebhookRow,
          {
            id: webhookId,
            revision: event.revision,
            url,
            eventTypes,
            createdAt: isoTime(createdAt),
            createdPosition: event.position,
            deletedAt: null,
          },
          ['id'],
        );
        return;
      }
      case 'WebhookDeleted':
        if (!existing) return;
        await manager.update(
          WebhookRow,
          { id: existing.id },
          { revision: event.revision, deletedAt: isoTime(event.data.deletedAt) },
        );
        return;
      default:
        return assertNever(event);
    }
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
