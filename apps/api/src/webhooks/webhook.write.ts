import { webhookStream, type WebhookCommand, type WebhookEvent, type WebhookState } from '@kb/domain';
import { StreamWrite, type Caller, type OutcomeOf, type WriteOptions } from '@kb/event-sourcing';

export type WebhookOutcome = OutcomeOf<typeof webhookStream>;
export type WebhookWrite = StreamWrite<WebhookCommand, WebhookEvent, WebhookState>;

/** A command on the stream of the webhook it names, sent with the caller's input. */
export function webhookWrite(command: WebhookCommand, caller: Caller, input: WriteOptions): WebhookWrite {
  return new StreamWrite(webhookStream, command.webhookId, command, caller, input);
}

/** The outcome of createWebhook: the write, plus the signing secret, which the API shows only now. */
export type CreatedWebhookOutcome = WebhookOutcome & { readonly secret: string };
