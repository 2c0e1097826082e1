/**
 * What a webhook signing secret looks like (docs/adr/0006-webhook-secrets.md). The bytes after the
 * prefix are the HMAC key; the text is how the receiver is given them.
 */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** The Standard Webhooks specification asks for 24 to 64 bytes; new secrets have 32. */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;

/** `whsec_` and standard base64 with its padding, as the specification's reference libraries read it. */
const STANDARD = /^whsec_(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/**
 * What every secret was until 2026-12-02: `whsec_` and 32 bytes in base64url without padding (43
 * characters). Webhooks created then keep it (events are never rewritten); new ones never get it.
 */
const LEGACY = /^whsec_[A-Za-z0-9_-]{43}$/;

/** Whether `value` is a secret in the standard form (`whsec_` + standard base64 of 24 to 64 bytes). */
export function isStandardWebhookSecret(value: string): boolean {
  if (!STANDARD.test(value)) return false;
  const text = value.slice(WEBHOOK_SECRET_PREFIX.length);
  const bytes = (text.length / 4) * 3 - (text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0);
  return bytes >= WEBHOOK_SECRET_MIN_BYTES && bytes <= WEBHOOK_SECRET_MAX_BYTES;
}

/**
 * Whether `value` is a secret of a webhook created before 2026-12-02 (base64url, 43 characters). The
 * two forms never overlap: a standard one has a multiple of 4 characters after the prefix.
 */
export function isLegacyWebhookSecret(value: string): boolean {
  return LEGACY.test(value);
}
