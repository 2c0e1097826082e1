import { ACTION_ITEM_STREAM_PREFIX, actionItemCatalogue, INCIDENT_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { byKey, loadRowsWhereIn, queryNamed, upsertRows } from '../projector/batch-rows';
import {
  isActionItemEvent,
  isIncidentEvent,
  type ProjectedActionItemEvent,
  type ProjectedEvent,
  type ProjectedIncidentEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime, isoTimeOrNull } from '../read-model-time';
import {
  ActionItemHistoryIncidentRow,
  ActionItemVersionRow,
  CURRENT_VERSION_END,
} from './action-item-version.entity';

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
  /** Incident streams too: for the startedAt of each item's incident (reports over a period). */
  readonly streamPrefixes = [ACTION_ITEM_STREAM_PREFIX, INCIDENT_STREAM_PREFIX];
  /** Of the incidents' events, only those that can set a start: the rest are skipped unread. */
  readonly eventTypes: ReadonlySet<string> = new Set([
    ...Object.keys(actionItemCatalogue.versions),
    'IncidentReported',
    'IncidentRevised',
  ]);
  readonly tables = ['action_item_status_history', 'action_item_history_incidents'];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const itemEvents = events.filter(isActionItemEvent);
    const startEvents = events.filter(isIncidentEvent).filter((e) => startSetBy(e) !== null);
    if (itemEvents.length === 0 && startEvents.length === 0) return;
    const starts = byKey(
      await loadRowsWhereIn(manager, ActionItemHistoryIncidentRow, 'incidentId', [
        ...startEvents.map((e) => e.data.incidentId),
        ...itemEvents.flatMap((e) => (e.type === 'ActionItemOpened' ? [e.data.incidentId] : [])),
      ]),
      (row) => row.incidentId,
    );
    const current = new Map<string, ActionItemVersionRow>();
    for (const row of await loadRowsWhereIn(
      manager,
      ActionItemVersionRow,
      'actionItemId',
      itemEvents.map((e) => e.data.actionItemId),
    )) {
      const known = current.get(row.actionItemId);
      if (!known || row.revision > known.revision) current.set(row.actionItemId, row);
    }
    const changed = new Map<string, ActionItemVersionRow>();
    const changedStarts = new Set<string>();
    /** Incidents whose start moved: their items' stored versions carry the old one. */
    const moved = new Set<string>();
    const keep = (row: ActionItemVersionRow) => changed.set(`${row.actionItemId}\n${row.revision}`, row);
    // In log order: an item opened after its incident's start was revised takes the new start.
    for (const event of events) {
      if (isIncidentEvent(event)) {
        const set = startSetBy(event);
        const known = starts.get(event.data.incidentId);
        if (set === null || (known && known.revision >= event.revision)) continue;
        const startedAt = isoTime(set);
        if (known && known.startedAt !== startedAt) moved.add(event.data.incidentId);
        starts.set(event.data.incidentId, {
          incidentId: event.data.incidentId,
          revision: event.revision,
          startedAt,
        });
        changedStarts.add(event.data.incidentId);
        continue;
      }
      if (!isActionItemEvent(event)) continue;
      const previous = current.get(event.data.actionItemId);
      const next = nextVersion(previous, event, (incidentId) => starts.get(incidentId)?.startedAt ?? null);
      if (!next) continue;
      if (previous) {
        previous.toAt = next.fromAt;
        keep(previous);
      }
      current.set(next.actionItemId, next);
      keep(next);
    }
    await upsertRows(
      manager,
      ActionItemHistoryIncidentRow,
      [...changedStarts].map((id) => starts.get(id) as ActionItemHistoryIncidentRow),
    );
    await upsertRows(manager, ActionItemVersionRow, [...changed.values()]);
    for (const incidentId of moved)
      await queryNamed(
        manager,
        'UPDATE action_item_status_history SET incident_started_at = :startedAt WHERE incident_id = :incidentId',
        { startedAt: (starts.get(incidentId) as ActionItemHistoryIncidentRow).startedAt, incidentId },
      );
  }
}

/** The startedAt an incident event sets (its report, or a revision of the start); null for others. */
function startSetBy(event: ProjectedIncidentEvent): string | null {
  if (event.type === 'IncidentReported') return event.data.startedAt;
  if (event.type === 'IncidentRevised') return event.data.changes.startedAt ?? null;
  return null;
}

/** The version `event` starts after `previous` (the item's current one), or null when it starts none. */
function nextVersion(
  previous: ActionItemVersionRow | undefined,
  event: ProjectedActionItemEvent,
  incidentStart: (incidentId: string) => string | null,
): ActionItemVersionRow | null {
  if (event.type === 'ActionItemOpened') {
    if (previous) return null;
    const d = event.data;
    const openedAt = isoTime(d.openedAt);
    return {
      actionItemId: d.actionItemId,
      revision: event.revision,
      incidentId: d.incidentId,
      incidentStartedAt: incidentStart(d.incidentId),
      status: 'OPEN',
      type: d.type,
      priority: d.priority,
      ownerTeam: d.ownerTeam,
      dueDate: isoTimeOrNull(d.dueDate),
      openedAt,
      fromAt: openedAt,
      toAt: CURRENT_VERSION_END,
      completedAt: null,
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
    case 'ActionItemOverdue':
      // A reminder: it starts no version (status and due date stay what they were).
      return null;
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
    completedAt: status !== 'DONE' ? null : changes.status === 'DONE' ? fromAt : previous.completedAt,
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
