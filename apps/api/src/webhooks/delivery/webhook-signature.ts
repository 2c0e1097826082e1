import { Webhook } from 'standardwebhooks';
import { signingKeyOf } from '../webhook-secret';

/** What a delivery is signed over: the same id on every retry, the attempt's time, the exact body sent. */
export interface SignatureInput {
  /** The delivery id: the same on every retry of a delivery, so the receiver can drop duplicates. */
  readonly deliveryId: string;
  /** When this attempt is sent; the receiver refuses it if too far from its own clock (5 minutes). */
  readonly timestamp: Date;
  /** The request body, exactly as it is sent (UTF-8). */
  readonly body: string;
  /** The webhook's secret as its `WebhookCreated` event holds it, in either form (webhook-secret.ts). */
  readonly secret: string;
}

/**
 * The Standard Webhooks headers of one attempt (https://www.standardwebhooks.com/):
 * `webhook-id` (the delivery id), `webhook-timestamp` (unix seconds) and `webhook-signature`
 * (`v1,` + base64 of the HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's bytes), signed by
 * the maintained `standardwebhooks` package rather than by hand. The receiver verifies them with
 * `new Webhook(secret).verify(body, headers)` from the same package (or its kin in other languages),
 * given the secret in its standard form (`standardFormOf`). The headers hold the signature: never log
 * them.
 */
export function signedHeaders({
  deliveryId,
  timestamp,
  body,
  secret,
}: SignatureInput): Record<string, string> {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  if (!Number.isFinite(seconds)) throw new Error('signedHeaders: the timestamp is not a valid date');
  if (deliveryId.length === 0) throw new Error('signedHeaders: the delivery id is empty');
  const signer = new Webhook(new Uint8Array(signingKeyOf(secret)), { format: 'raw' });
  return {
    'webhook-id': deliveryId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signer.sign(deliveryId, timestamp, body),
  };
}
