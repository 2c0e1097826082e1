import { Mutation, type WriteOptions } from '@kb/event-sourcing';
import { ApiKeyOutcome } from '../api-key.write';

export interface RevokeApiKeyInput extends WriteOptions {
  /** The key's id (the contract's `revokeApiKey(id: ID!)`). */
  id: string;
}

/**
 * Revokes an API key for good. Revoking a revoked key writes nothing and succeeds (position null),
 * with the key as it is.
 */
export class RevokeApiKeyCommand extends Mutation<RevokeApiKeyInput, ApiKeyOutcome> {}
