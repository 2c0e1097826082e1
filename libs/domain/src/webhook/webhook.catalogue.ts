import type { EventCatalogue } from '../shared/event-catalogue';
import type { WebhookEvent } from './webhook.events';

/** Schema versions and upcasters of the webhook stream's events (docs/events.md lists them). */
export const webhookCatalogue: EventCatalogue<WebhookEvent> = {
  versions: {
    WebhookCreated: 1,
    WebhookDeleted: 1,
  },
  upcasters: {},
};
