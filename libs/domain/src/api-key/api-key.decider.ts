import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import { checkOneOf } from '../shared/input-limits';
import { ROLES, type Role } from '../shared/vocabulary';
import type { ApiKeyEvent } from './api-key.events';
import type { ApiKeyState } from './api-key.state';

export const API_KEY_NAME_MAX = 100;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * The commands of an API key's stream. A key is created with a name, a role and the hash of its
 * secret (the secret is made and hashed outside the domain and never reaches it), and can be revoked.
 * Revoking is idempotent: revoking a revoked key decides nothing and the first revokedAt stays.
 */
export type ApiKeyCommand = { apiKeyId: string } & (
  { type: 'CreateApiKey'; name: string; role: string; secretHash: string } | { type: 'RevokeApiKey' }
);

export function decideApiKey(command: ApiKeyCommand, state: ApiKeyState, now: Date): ApiKeyEvent[] {
  switch (command.type) {
    case 'CreateApiKey':
      if (state.exists)
        throw new DomainRuleError('apiKeyId', `an API key with the id '${command.apiKeyId}' already exists`);
      return [
        {
          type: 'ApiKeyCreated',
          data: {
            apiKeyId: command.apiKeyId,
            name: checkApiKeyName(command.name),
            role: checkOneOf<Role>('role', command.role, ROLES),
            secretHash: checkSecretHash(command.secretHash),
            createdAt: now.toISOString(),
          },
        },
      ];
    case 'RevokeApiKey':
      if (!state.exists) throw new EntityNotFoundError('ApiKey', command.apiKeyId, 'id');
      if (state.revokedAt !== null) return [];
      return [{ type: 'ApiKeyRevoked', data: { apiKeyId: state.id, revokedAt: now.toISOString() } }];
    default:
      return assertNever(command);
  }
}

/** 1–100 characters after trimming; returns the trimmed name. */
export function checkApiKeyName(value: string): string {
  const name = value.trim();
  if (name.length === 0) throw new DomainRuleError('name', 'must not be empty');
  if (name.length > API_KEY_NAME_MAX)
    throw new DomainRuleError(
      'name',
      `must be at most ${API_KEY_NAME_MAX} characters (it has ${name.length})`,
    );
  return name;
}

function checkSecretHash(value: string): string {
  // Not user input: a wrong value is a bug of the caller. The message never echoes the value.
  if (!SHA256_HEX.test(value))
    throw new DomainRuleError('secretHash', 'must be a SHA-256 digest in 64 lowercase hex digits');
  return value;
}

function assertNever(command: never): never {
  throw new Error(`Unknown API key command: ${JSON.stringify(command)}`);
}
