import type { EventCatalogue } from '../shared/event-catalogue';
import type { ApiKeyEvent } from './api-key.events';

/** Schema versions and upcasters of the API key stream's events (docs/events.md lists them). */
export const apiKeyCatalogue: EventCatalogue<ApiKeyEvent> = {
  versions: {
    ApiKeyCreated: 1,
    ApiKeyRevoked: 1,
  },
  upcasters: {},
};
