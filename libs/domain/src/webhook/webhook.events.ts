/**
 * The events of a webhook registration's stream (`webhook-<uuid>`). Unlike an API key's, the signing
 * secret is in the event: deliveries are signed with it (HMAC), so a hash would not do. The stream is
 * never served by the `events` query or subscription (see docs/adr/0006-webhook-secrets.md).
 * Names never change; payloads are plain JSON.
 */
export type WebhookEvent = WebhookCreated | WebhookDeleted;

export type WebhookEventType = WebhookEvent['type'];

export interface WebhookCreated {
  type: 'WebhookCreated';
  data: {
    webhookId: string;
    /** Absolute `https://` URL (or `http://` to localhost, for development), normalised. */
    url: string;
    /** Event type names to deliver, in the order given; empty means every event type. */
    eventTypes: string[];
    /**
     * The signing secret: `whsec_` and 32 random bytes in standard base64 (before 2026-12-02, in
     * base64url without padding: see webhook.secret-format.ts). Never served after creation.
     */
    secret: string;
    createdAt: string;
  };
}

/** The webhook receives nothing from now on, for good. */
export interface WebhookDeleted {
  type: 'WebhookDeleted';
  data: { webhookId: string; deletedAt: string };
}

export const webhookStreamId = (webhookId: string) => `webhook-${webhookId}`;
export const WEBHOOK_STREAM_PREFIX = 'webhook-';
