import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../event-sourcing/command-executor';
import { runMutation } from '../../event-sourcing/mutation';
import { apiKeyStream, type ApiKeyOutcome } from '../api-key.stream';
import { RevokeApiKeyCommand } from './revoke-api-key.command';

@CommandHandler(RevokeApiKeyCommand)
export class RevokeApiKeyHandler implements ICommandHandler<RevokeApiKeyCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: RevokeApiKeyCommand): Promise<ApiKeyOutcome> {
    const apiKeyId = command.input.id;
    return runMutation(this.executor, apiKeyStream, apiKeyId, { type: 'RevokeApiKey', apiKeyId }, command);
  }
}
