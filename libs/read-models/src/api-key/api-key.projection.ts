import { API_KEY_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { isApiKeyEvent, type ProjectedEvent } from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime } from '../read-model-time';
import { ApiKeyRow } from './api-key.entity';

/**
 * API keys. An event is applied only when its revision is above the row's, so applying it again
 * changes nothing.
 */
export class ApiKeyProjection implements Projection {
  readonly name = 'api-keys';
  readonly streamPrefixes = [API_KEY_STREAM_PREFIX];
  readonly tables = ['api_keys'];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (!isApiKeyEvent(event)) return;
    const existing = await manager.findOneBy(ApiKeyRow, { id: event.data.apiKeyId });
    if (existing && existing.revision >= event.revision) return;
    switch (event.type) {
      case 'ApiKeyCreated': {
        const d = event.data;
        await manager.upsert(
          ApiKeyRow,
          {
            id: d.apiKeyId,
            revision: event.revision,
            name: d.name,
            role: d.role,
            secretHash: d.secretHash,
            createdAt: isoTime(d.createdAt),
            revokedAt: null,
          },
          ['id'],
        );
        return;
      }
      case 'ApiKeyRevoked':
        if (!existing) return;
        await manager.update(
          ApiKeyRow,
          { id: existing.id },
          { revision: event.revision, revokedAt: isoTime(event.data.revokedAt) },
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
