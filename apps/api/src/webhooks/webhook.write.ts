import { webhookStream, type WebhookCommand, type WebhookEvent, type WebhookState } from '@kb/domain';
import { streamWriter, type OutcomeOf, type StreamWrite } from '@kb/event-sourcing';

export type WebhookOutcome = OutcomeOf<typeof webhookStream>;
export type WebhookWrite = StreamWrite<WebhookCommand, WebhookEvent, WebhookState>;

/** A command on the stream of the webhook it names, sent with the caller's input. */
export const webhookWrite = streamWriter(webhookStream, (command) => command.webhookId);

/** The outcome of createWebhook: the write, plus the signing secret, which the API shows only now. */
export type CreatedWebhookOutcome = WebhookOutcome & { readonly secret: string };
