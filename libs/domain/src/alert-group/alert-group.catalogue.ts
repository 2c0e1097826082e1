import type { EventCatalogue } from '../shared/event-catalogue';
import type { AlertGroupEvent } from './alert-group.events';

/** Schema versions and upcasters of the alert-group stream's events (docs/events.md lists them). */
export const alertGroupCatalogue: EventCatalogue<AlertGroupEvent> = {
  versions: {
    AlertGroupFired: 1,
    AlertGroupChanged: 1,
    AlertGroupResolved: 1,
  },
  upcasters: {},
};
