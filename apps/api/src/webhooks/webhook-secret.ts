import { randomBytes } from 'node:crypto';
import { isLegacyWebhookSecret, isStandardWebhookSecret, WEBHOOK_SECRET_PREFIX } from '@kb/domain';

/** Every webhook signing secret starts so, to be told apart from API keys (`kb_`) by people and scanners. */
export { WEBHOOK_SECRET_PREFIX };

/**
 * A new signing secret: `whsec_` and 32 random bytes (256 bits) in standard base64 with its padding
 * (50 characters in all), the form the Standard Webhooks reference libraries read
 * (`new Webhook('whsec_…')`).
 */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/**
 * The HMAC key of a webhook's secret: the bytes it encodes. Takes both forms a `WebhookCreated` event
 * may hold: the standard one (standard base64, since 2026-12-02) and the base64url one of webhooks
 * created before (docs/adr/0006-webhook-secrets.md). Throws on anything else, without echoing it.
 */
export function signingKeyOf(secret: string): Buffer {
  const text = secret.slice(WEBHOOK_SECRET_PREFIX.length);
  if (isStandardWebhookSecret(secret)) return Buffer.from(text, 'base64');
  if (isLegacyWebhookSecret(secret)) return Buffer.from(text, 'base64url');
  throw new Error(
    'Not a webhook secret: it must be whsec_ and standard base64 (or the base64url of before 2026-12-02).',
  );
}

/**
 * The same secret in the standard form (`whsec_` + standard base64 of the same key bytes), which is
 * what a receiver using the Standard Webhooks libraries must be given. A standard secret is returned
 * as it is; the base64url one of a webhook created before 2026-12-02 is converted (for 32 bytes: `-`
 * becomes `+`, `_` becomes `/`, and `=` is appended).
 */
export function standardFormOf(secret: string): string {
  return `${WEBHOOK_SECRET_PREFIX}${signingKeyOf(secret).toString('base64')}`;
}
