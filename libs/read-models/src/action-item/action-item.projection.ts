import type { EntityManager } from 'typeorm';
import { isActionItemEvent, type ProjectedEvent } from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime, isoTimeOrNull } from '../read-model-time';
import { ActionItemRow } from './action-item.entity';

/**
 * Action items. An event is applied only when its revision is above the row's, so applying it again
 * changes nothing.
 */
export class ActionItemProjection implements Projection {
  readonly name = 'action-items';
  readonly tables = ['action_items'];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (!isActionItemEvent(event)) return;
    if (event.type === 'ActionItemOpened') {
      const d = event.data;
      const existing = await manager.findOneBy(ActionItemRow, { id: d.actionItemId });
      if (existing && existing.revision >= event.revision) return;
      await manager.upsert(
        ActionItemRow,
        {
          id: d.actionItemId,
          revision: event.revision,
          incidentId: d.incidentId,
          findingId: d.findingId,
          title: d.title,
          description: d.description,
          type: d.type,
          priority: d.priority,
          ownerTeam: d.ownerTeam,
          assignee: d.assignee,
          dueDate: isoTimeOrNull(d.dueDate),
          status: 'OPEN',
          openedAt: isoTime(d.openedAt),
          completedAt: null,
          updatedAt: event.recordedAt,
        },
        ['id'],
      );
      return;
    }
    const item = await manager.findOneBy(ActionItemRow, { id: event.data.actionItemId });
    if (!item || item.revision >= event.revision) return;
    const changes: Partial<ActionItemRow> = { revision: event.revision, updatedAt: event.recordedAt };
    switch (event.type) {
      case 'ActionItemUpdated': {
        const { title, description, priority, ownerTeam, assignee, dueDate } = event.data.changes;
        if (title !== undefined) changes.title = title;
        if (description !== undefined) changes.description = description;
        if (priority !== undefined) changes.priority = priority;
        if (ownerTeam !== undefined) changes.ownerTeam = ownerTeam;
        if (assignee !== undefined) changes.assignee = assignee;
        if (dueDate !== undefined) changes.dueDate = isoTimeOrNull(dueDate);
        break;
      }
      case 'ActionItemStarted':
        changes.status = 'IN_PROGRESS';
        break;
      case 'ActionItemCompleted':
        changes.status = 'DONE';
        changes.completedAt = isoTime(event.data.completedAt);
        break;
      case 'ActionItemDropped':
        changes.status = 'WONT_DO';
        break;
      case 'ActionItemReopened':
        changes.status = 'OPEN';
        changes.completedAt = null;
        break;
      default:
        return assertNever(event);
    }
    await manager.update(ActionItemRow, { id: item.id }, changes);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
