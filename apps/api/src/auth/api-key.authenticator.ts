import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { findApiKeyBySecretHash } from '@kb/read-models';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { hashApiKeySecret, secretHashesEqual } from './api-key-secret';
import type { Principal } from './principal';

/** Longer secrets are refused unhashed: a generated one has 46 characters, a chosen one has no reason to be huge. */
const SECRET_MAX = 512;
const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * Turns an `Authorization` header into the key it names. Keys are looked up by the SHA-256 of the
 * secret in the `api_keys` read model (a revocation counts once projected: a revoking mutation waits
 * for that before it returns). Nothing about the secret is logged or put in an error.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(@Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource) {}

  /**
   * @param authorizationHeaderValue the header as sent, e.g. `Bearer kb_…` (the scheme in any case).
   * @returns the key's principal; null when the header is missing or malformed, or the key is
   *   unknown or revoked.
   */
  async authenticate(authorizationHeaderValue: string | undefined): Promise<Principal | null> {
    const secret = bearerSecret(authorizationHeaderValue);
    if (secret === null) return null;
    const hash = hashApiKeySecret(secret);
    const key = await findApiKeyBySecretHash(this.dataSource, hash);
    if (key === null || !secretHashesEqual(hash, key.secretHash) || key.revokedAt !== null) return null;
    return { apiKeyId: key.id, role: key.role };
  }
}

/** The secret of a `Bearer <secret>` header value; null for anything else. */
export function bearerSecret(headerValue: string | undefined): string | null {
  if (headerValue === undefined || headerValue.length > SECRET_MAX + 20) return null;
  const match = BEARER.exec(headerValue);
  return match && match[1].length <= SECRET_MAX ? match[1] : null;
}
