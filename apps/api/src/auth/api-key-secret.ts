import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Every secret this service generates starts so, to be recognisable in configs and secret scanners. */
export const API_KEY_SECRET_PREFIX = 'kb_';

/** A new secret: `kb_` and 32 random bytes in base64url (256 bits; 46 characters in all). */
export function generateApiKeySecret(): string {
  return `${API_KEY_SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * What is stored of a secret: SHA-256 of its UTF-8 bytes, 64 lowercase hex digits. A fast hash is
 * enough for 256-bit random secrets (docs/adr/0005-api-keys.md).
 */
export function hashApiKeySecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two hex SHA-256 digests in constant time. */
export function secretHashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === 32 && right.length === 32 && timingSafeEqual(left, right);
}
