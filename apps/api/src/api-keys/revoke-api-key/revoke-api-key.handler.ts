import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, runMutation } from '@kb/event-sourcing';
import { apiKeyStream } from '@kb/domain';
import type { ApiKeyOutcome } from '../api-key.write';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: RevokeApiKeyCommand): Promise<ApiKeyOutcome> {
    const apiKeyId = command.input.id;
    return runMutation(this.executor, apiKeyStream, apiKeyId, { type: 'RevokeApiKey', apiKeyId }, command);
  }
}
