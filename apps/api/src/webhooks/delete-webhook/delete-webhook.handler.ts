import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../event-sourcing/command-executor';
import { runMutation } from '../../event-sourcing/mutation';
import { webhookStream, type WebhookOutcome } from '../webhook.stream';
import { DeleteWebhookCommand } from './delete-webhook.command';

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: DeleteWebhookCommand): Promise<WebhookOutcome> {
    const webhookId = command.input.id;
    return runMutation(
      this.executor,
      webhookStream,
      webhookId,
      { type: 'DeleteWebhook', webhookId },
      command,
    );
  }
}
