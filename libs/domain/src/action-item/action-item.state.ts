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
  /** The due dates ActionItemOverdue was recorded for (each once). */
  readonly overdueFor: readonly string[];
  /** Events of the stream so far (for MAX_EVENTS_PER_ACTION_ITEM). */
  readonly eventCount: number;
}

export type ActionItemState = { readonly exists: false } | ({ readonly exists: true } & ActionItemDetails);

export const initialActionItemState: ActionItemState = { exists: false };

export function evolveActionItem(state: ActionItemState, event: ActionItemEvent): ActionItemState {
  if (event.type === 'ActionItemOpened') {
    const { actionItemId, ...rest } = event.data;
    return {
      exists: true,
      id: actionItemId,
      ...rest,
      status: 'OPEN',
      completedAt: null,
      overdueFor: [],
      eventCount: 1,
    };
  }
  if (!state.exists) return state;
  return { ...applyChange(state, event), eventCount: state.eventCount + 1 };
}

type ExistingActionItem = { readonly exists: true } & ActionItemDetails;

function applyChange(
  state: ExistingActionItem,
  event: Exclude<ActionItemEvent, { type: 'ActionItemOpened' }>,
): ExistingActionItem {
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
    case 'ActionItemOverdue':
      return { ...state, overdueFor: [...state.overdueFor, event.data.dueDate] };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown action item event: ${JSON.stringify(event)}`);
}
