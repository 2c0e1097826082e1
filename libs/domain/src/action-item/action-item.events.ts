import type { ActionItemType, Priority } from '../shared/vocabulary';

/**
 * The events of an action-item stream (`action-item-<uuid>`). Action items live long and are edited by
 * other teams, so they have streams of their own. Names never change; payloads are plain JSON.
 */
export type ActionItemEvent =
  | ActionItemOpened
  | ActionItemUpdated
  | ActionItemStarted
  | ActionItemCompleted
  | ActionItemDropped
  | ActionItemReopened
  | ActionItemOverdue;

export type ActionItemEventType = ActionItemEvent['type'];

export interface ActionItemOpened {
  type: 'ActionItemOpened';
  data: {
    actionItemId: string;
    incidentId: string;
    findingId: string | null;
    title: string;
    description: string | null;
    type: ActionItemType;
    priority: Priority;
    ownerTeam: string;
    assignee: string | null;
    dueDate: string | null;
    openedAt: string;
  };
}

/** Only the fields present changed; null clears an optional field. */
export interface ActionItemUpdated {
  type: 'ActionItemUpdated';
  data: {
    actionItemId: string;
    changes: {
      title?: string;
      description?: string | null;
      priority?: Priority;
      ownerTeam?: string;
      assignee?: string | null;
      dueDate?: string | null;
    };
  };
}

export interface ActionItemStarted {
  type: 'ActionItemStarted';
  data: { actionItemId: string; note: string | null };
}

export interface ActionItemCompleted {
  type: 'ActionItemCompleted';
  data: { actionItemId: string; note: string | null; completedAt: string };
}

/** WONT_DO, with the reason it will not be done. */
export interface ActionItemDropped {
  type: 'ActionItemDropped';
  data: { actionItemId: string; reason: string };
}

export interface ActionItemReopened {
  type: 'ActionItemReopened';
  data: { actionItemId: string; note: string | null };
}

/**
 * The due date passed while the item was OPEN or IN_PROGRESS: appended once per due date by the
 * deadline watcher (its event id is derived from the item and `dueDate`).
 */
export interface ActionItemOverdue {
  type: 'ActionItemOverdue';
  data: { actionItemId: string; incidentId: string; dueDate: string; status: 'OPEN' | 'IN_PROGRESS' };
}

export const actionItemStreamId = (actionItemId: string) => `action-item-${actionItemId}`;
export const ACTION_ITEM_STREAM_PREFIX = 'action-item-';
