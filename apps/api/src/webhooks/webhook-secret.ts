import { randomBytes } from 'node:crypto';

/** Every webhook signing secret starts so, to be told apart from API keys (`kb_`) by people and scanners. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';

/** A new signing secret: `whsec_` and 32 random bytes in base64url (256 bits; 49 characters in all). */
export function generateWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}
