import type { WebhookEvent } from './webhook.events';

export interface WebhookDetails {
  readonly id: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  /** The signing secret, for delivery. Never returned by the API after creation. */
  readonly secret: string;
  readonly createdAt: string;
  readonly deletedAt: string | null;
}

export type WebhookState = { readonly exists: false } | ({ readonly exists: true } & WebhookDetails);

export const initialWebhookState: WebhookState = { exists: false };

export function evolveWebhook(state: WebhookState, event: WebhookEvent): WebhookState {
  if (event.type === 'WebhookCreated') {
    const { webhookId, ...rest } = event.data;
    return { exists: true, id: webhookId, ...rest, deletedAt: null };
  }
  if (!state.exists) return state;
  switch (event.type) {
    case 'WebhookDeleted':
      return { ...state, deletedAt: event.data.deletedAt };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown webhook event: ${JSON.stringify(event)}`);
}
