import type { webhookStream } from '@kb/domain';
import type { OutcomeOf } from '@kb/event-sourcing';

export type WebhookOutcome = OutcomeOf<typeof webhookStream>;

/** The outcome of createWebhook: the write, plus the signing secret, which the API shows only now. */
export type CreatedWebhookOutcome = WebhookOutcome & { readonly secret: string };
