import type { EventCatalogue } from '../shared/event-catalogue';
import type { ActionItemEvent } from './action-item.events';

/** Schema versions and upcasters of the action-item stream's events (docs/events.md lists them). */
export const actionItemCatalogue: EventCatalogue<ActionItemEvent> = {
  versions: {
    ActionItemOpened: 1,
    ActionItemUpdated: 1,
    ActionItemStarted: 1,
    ActionItemCompleted: 1,
    ActionItemDropped: 1,
    ActionItemReopened: 1,
    ActionItemOverdue: 1,
  },
  upcasters: {},
};
