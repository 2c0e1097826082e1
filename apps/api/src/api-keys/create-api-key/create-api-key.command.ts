import { Mutation, type WriteOptions } from '@kb/event-sourcing';
import { CreatedApiKeyOutcome } from '../api-key.write';

/** The contract's CreateApiKeyInput. */
export interface CreateApiKeyInput extends WriteOptions {
  name: string;
  role: string;
  /** Not supported: a retry could not be answered with the secret, which is shown once and never stored. */
  idempotencyKey?: never;
  /** Not applicable: the key is new. */
  expectedRevision?: never;
}

/** Creates an API key with a new secret: a new api-key stream. The outcome holds the secret, once. */
export class CreateApiKeyCommand extends Mutation<CreateApiKeyInput, CreatedApiKeyOutcome> {}
