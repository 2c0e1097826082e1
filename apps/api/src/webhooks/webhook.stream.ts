import {
  decideWebhook,
  evolveWebhook,
  initialWebhookState,
  webhookCatalogue,
  webhookStreamId,
  type WebhookCommand,
  type WebhookEvent,
  type WebhookState,
} from '@kb/domain';
import type { CommandOutcome, StreamDefinition } from '../event-sourcing/command-executor';

export const webhookStream: StreamDefinition<WebhookCommand, WebhookEvent, WebhookState> = {
  streamId: webhookStreamId,
  catalogue: webhookCatalogue,
  initialState: initialWebhookState,
  evolve: evolveWebhook,
  decide: decideWebhook,
};

export type WebhookOutcome = CommandOutcome<WebhookEvent, WebhookState>;

/** The outcome of createWebhook: the write, plus the signing secret, which the API shows only now. */
export type CreatedWebhookOutcome = WebhookOutcome & { readonly secret: string };
