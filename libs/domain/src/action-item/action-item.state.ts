import type { ActionItemStatus, ActionItemType, Priority } from '../shared/vocabulary';
import type { ActionItemEvent } from './action-item.events';

export interface ActionItemDetails {
  readonly id: string;
  readonly incidentId: string;
  readonly findingId: string | null;
  readonly title: string;
  readonly description: string | null;
  readonly type: ActionItemType;
  readonly priority: Priority;
  readonly ownerTeam: string;
  readonly assignee: string | null;
  readonly dueDate: string | null;
  readonly status: ActionItemStatus;
  readonly openedAt: string;
  readonly completedAt: string | null;
}

export type ActionItemState = { readonly exists: false } | ({ readonly exists: true } & ActionItemDetails);

export const initialActionItemState: ActionItemState = { exists: false };

export function evolveActionItem(state: ActionItemState, event: ActionItemEvent): ActionItemState {
  if (event.type === 'ActionItemOpened') {
    const { actionItemId, ...rest } = event.data;
    return { exists: true, id: actionItemId, ...rest, status: 'OPEN', completedAt: null };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'ActionItemUpdated':
      return { ...state, ...event.data.changes };
    case 'ActionItemStarted':
      return { ...state, status: 'IN_PROGRESS' };
    case 'ActionItemCompleted':
      return { ...state, status: 'DONE', completedAt: event.data.completedAt };
    case 'ActionItemDropped':
      return { ...state, status: 'WONT_DO' };
    case 'ActionItemReopened':
      return { ...state, status: 'OPEN', completedAt: null };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown action item event: ${JSON.stringify(event)}`);
}
