import type { StreamDefinition } from '../shared/stream-definition';
import { webhookCatalogue } from './webhook.catalogue';
import { decideWebhook, type WebhookCommand } from './webhook.decider';
import { webhookStreamId, type WebhookEvent } from './webhook.events';
import { evolveWebhook, initialWebhookState, type WebhookState } from './webhook.state';

export const webhookStream: StreamDefinition<WebhookCommand, WebhookEvent, WebhookState> = {
  streamId: webhookStreamId,
  catalogue: webhookCatalogue,
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};
