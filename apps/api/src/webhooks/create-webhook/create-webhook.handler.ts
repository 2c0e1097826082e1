import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandExecutor } from '../../event-sourcing/command-executor';
import { commandContext } from '../../event-sourcing/command-context';
import { generateWebhookSecret } from '../webhook-secret';
import { webhookStream, type CreatedWebhookOutcome } from '../webhook.stream';
import { CreateWebhookCommand } from './create-webhook.command';

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: CreateWebhookCommand): Promise<CreatedWebhookOutcome> {
    const { url, eventTypes } = command.input;
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const outcome = await this.executor.execute(
      webhookStream,
      webhookId,
      { type: 'CreateWebhook', webhookId, url, eventTypes, secret },
      commandContext(command.caller, {}),
      // What an idempotency key would be bound to: the input, never the secret.
      { operation: 'CreateWebhook', input: { url, eventTypes } },
    );
    return { ...outcome, secret };
  }
}
