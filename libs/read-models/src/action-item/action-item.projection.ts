import { ACTION_ITEM_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { byKey, loadRowsWhereIn, upsertRows } from '../projector/batch-rows';
import {
  isActionItemEvent,
  type ProjectedActionItemEvent,
  type ProjectedEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime, isoTimeOrNull } from '../read-model-time';
import { ActionItemRow } from './action-item.entity';

/**
 * Action items. An event is applied only when its revision is above the row's, so applying it again
 * changes nothing. A batch loads its rows with one query, folds the events into them in memory and
 * writes each changed row once; `apply` is a batch of one.
 */
export class ActionItemProjection implements Projection {
  readonly name = 'action-items';
  readonly streamPrefixes = [ACTION_ITEM_STREAM_PREFIX];
  readonly tables = ['action_items'];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const itemEvents = events.filter(isActionItemEvent);
    if (itemEvents.length === 0) return;
    const ids = itemEvents.map((e) => e.data.actionItemId);
    const items = byKey(await loadRowsWhereIn(manager, ActionItemRow, 'id', ids), (row) => row.id);
    const changed = new Set<string>();
    for (const event of itemEvents) if (applyEvent(items, event)) changed.add(event.data.actionItemId);
    await upsertRows(
      manager,
      ActionItemRow,
      [...changed].map((id) => items.get(id) as ActionItemRow),
    );
  }
}

/**
 * One action item's row folded in memory from its events, exactly as the projection writes it: the
 * item as known after those events (time travel reads the events recorded up to an instant).
 */
export function foldActionItemRows(events: readonly ProjectedEvent[]): ActionItemRow | null {
  const items = new Map<string, ActionItemRow>();
  for (const event of events) if (isActionItemEvent(event)) applyEvent(items, event);
  const [item = null] = items.values();
  return item;
}

/** Folds one event into the rows; true when it changed its item. */
function applyEvent(items: Map<string, ActionItemRow>, event: ProjectedActionItemEvent): boolean {
  if (event.type === 'ActionItemOpened') {
    const d = event.data;
    const existing = items.get(d.actionItemId);
    if (existing && existing.revision >= event.revision) return false;
    items.set(d.actionItemId, {
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
      overdueFor: null,
      updatedAt: event.recordedAt,
    });
    return true;
  }
  const item = items.get(event.data.actionItemId);
  if (!item || item.revision >= event.revision) return false;
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
    case 'ActionItemOverdue':
      // `overdue` is computed from the due date and the status; this only says the reminder was written.
      changes.overdueFor = isoTime(event.data.dueDate);
      break;
    default:
      return assertNever(event);
  }
  Object.assign(item, changes);
  return true;
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
