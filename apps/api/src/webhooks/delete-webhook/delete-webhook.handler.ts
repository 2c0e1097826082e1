import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, runMutation } from '@kb/event-sourcing';
import { webhookStream } from '@kb/domain';
import type { WebhookOutcome } from '../webhook.write';
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
