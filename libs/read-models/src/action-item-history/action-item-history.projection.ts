import { ACTION_ITEM_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { loadRowsWhereIn, upsertRows } from '../projector/batch-rows';
import {
  isActionItemEvent,
  type ProjectedActionItemEvent,
  type ProjectedEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime, isoTimeOrNull } from '../read-model-time';
import { CURRENT_VERSION_END, ActionItemVersionRow } from './action-item-version.entity';

/**
 * The versions of each action item through domain time (action_item_status_history), for
 * actionItemHealth as of an instant. When a version starts:
 * - ActionItemOpened: at `openedAt` (status OPEN);
 * - ActionItemCompleted: at `completedAt` (DONE);
 * - ActionItemStarted, ActionItemDropped, ActionItemReopened, and an ActionItemUpdated that changes
 *   the priority, owner team or due date: at the event's `metadata.occurredAt` (when the command was
 *   decided; the store's `recordedAt` when an event has none).
 * A version never starts before the one it follows (a clock that stepped back is read as "at the same
 * instant"), so the intervals of an item are ordered and never overlap; one of zero length holds at
 * no instant. Changes of title, description or assignee start no version.
 *
 * An event is applied only when its revision is above the item's current version's: every event that
 * starts a version records its revision there, and the others change nothing, so redelivery and
 * rebuilds leave the same rows; nothing comes from the clock.
 */
export class ActionItemHistoryProjection implements Projection {
  readonly name = 'action-item-history';
  readonly streamPrefixes = [ACTION_ITEM_STREAM_PREFIX];
  readonly tables = ['action_item_status_history'];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const itemEvents = events.filter(isActionItemEvent);
    if (itemEvents.length === 0) return;
    const ids = itemEvents.map((e) => e.data.actionItemId);
    const current = new Map<string, ActionItemVersionRow>();
    for (const row of await loadRowsWhereIn(manager, ActionItemVersionRow, 'actionItemId', ids)) {
      const known = current.get(row.actionItemId);
      if (!known || row.revision > known.revision) current.set(row.actionItemId, row);
    }
    const changed = new Map<string, ActionItemVersionRow>();
    const keep = (row: ActionItemVersionRow) => changed.set(`${row.actionItemId}\n${row.revision}`, row);
    for (const event of itemEvents) {
      const previous = current.get(event.data.actionItemId);
      const next = nextVersion(previous, event);
      if (!next) continue;
      if (previous) {
        previous.toAt = next.fromAt;
        keep(previous);
      }
      current.set(next.actionItemId, next);
      keep(next);
    }
    await upsertRows(manager, ActionItemVersionRow, [...changed.values()]);
  }
}

/** The version `event` starts after `previous` (the item's current one), or null when it starts none. */
function nextVersion(
  previous: ActionItemVersionRow | undefined,
  event: ProjectedActionItemEvent,
): ActionItemVersionRow | null {
  if (event.type === 'ActionItemOpened') {
    if (previous) return null;
    const d = event.data;
    const openedAt = isoTime(d.openedAt);
    return {
      actionItemId: d.actionItemId,
      revision: event.revision,
      incidentId: d.incidentId,
      status: 'OPEN',
      type: d.type,
      priority: d.priority,
      ownerTeam: d.ownerTeam,
      dueDate: isoTimeOrNull(d.dueDate),
      openedAt,
      fromAt: openedAt,
      toAt: CURRENT_VERSION_END,
      closedAfterMs: null,
    };
  }
  // No opening before it (a truncated stream), or applied already.
  if (!previous || previous.revision >= event.revision) return null;
  const changes: Partial<ActionItemVersionRow> = {};
  let at = occurredAt(event);
  switch (event.type) {
    case 'ActionItemUpdated': {
      const { priority, ownerTeam, dueDate } = event.data.changes;
      if (priority !== undefined && priority !== previous.priority) changes.priority = priority;
      if (ownerTeam !== undefined && ownerTeam !== previous.ownerTeam) changes.ownerTeam = ownerTeam;
      const due = isoTimeOrNull(dueDate);
      if (dueDate !== undefined && due !== previous.dueDate) changes.dueDate = due;
      if (Object.keys(changes).length === 0) return null;
      break;
    }
    case 'ActionItemStarted':
      changes.status = 'IN_PROGRESS';
      break;
    case 'ActionItemCompleted':
      changes.status = 'DONE';
      at = isoTime(event.data.completedAt);
      break;
    case 'ActionItemDropped':
      changes.status = 'WONT_DO';
      break;
    case 'ActionItemReopened':
      changes.status = 'OPEN';
      break;
    default:
      return assertNever(event);
  }
  const fromAt = at < previous.fromAt ? previous.fromAt : at;
  const status = changes.status ?? previous.status;
  return {
    ...previous,
    ...changes,
    revision: event.revision,
    fromAt,
    toAt: CURRENT_VERSION_END,
    closedAfterMs:
      status !== 'DONE'
        ? null
        : changes.status === 'DONE'
          ? Date.parse(fromAt) - Date.parse(previous.openedAt)
          : previous.closedAfterMs,
  };
}

/** When the command was decided (metadata.occurredAt), else when the store recorded the event. */
function occurredAt(event: ProjectedActionItemEvent): string {
  const at = event.metadata.occurredAt;
  return typeof at === 'string' && !Number.isNaN(Date.parse(at)) ? isoTime(at) : event.recordedAt;
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
