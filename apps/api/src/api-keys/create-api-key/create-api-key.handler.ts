import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { generateApiKeySecret, hashApiKeySecret } from '../../auth/api-key-secret';
import { CommandExecutor, commandContext } from '@kb/event-sourcing';
import { apiKeyStream } from '@kb/domain';
import type { CreatedApiKeyOutcome } from '../api-key.write';
import { CreateApiKeyCommand } from './create-api-key.command';

@CommandHandler(CreateApiKeyCommand)
export class CreateApiKeyHandler implements ICommandHandler<CreateApiKeyCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: CreateApiKeyCommand): Promise<CreatedApiKeyOutcome> {
    const { name, role } = command.input;
    const apiKeyId = randomUUID();
    const secret = generateApiKeySecret();
    const outcome = await this.executor.execute(
      apiKeyStream,
      apiKeyId,
      { type: 'CreateApiKey', apiKeyId, name, role, secretHash: hashApiKeySecret(secret) },
      commandContext(command.caller, {}),
      { operation: 'CreateApiKey', input: { name, role } },
    );
    return { ...outcome, secret };
  }
}
