import { Command } from '@nestjs/cqrs';
import type { ApiKeyCommand, CommandFields } from '@kb/domain';
import type { Caller } from '@kb/event-sourcing';
import type { CreatedApiKeyOutcome } from '../api-key.write';

/**
 * The contract's CreateApiKeyInput. No idempotencyKey: a retry could not be answered with the
 * secret, which is shown once and never stored.
 */
export type CreateApiKeyInput = Pick<CommandFields<ApiKeyCommand, 'CreateApiKey'>, 'name' | 'role'>;

/** Creates an API key with a new secret: a new api-key stream. The outcome holds the secret, once. */
export class CreateApiKeyCommand extends Command<CreatedApiKeyOutcome> {
  constructor(
    readonly input: CreateApiKeyInput,
    readonly caller: Caller,
  ) {
    super();
  }
}
