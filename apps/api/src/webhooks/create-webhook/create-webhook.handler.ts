import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { CommandExecutor, commandContext } from '@kb/event-sourcing';
import { generateWebhookSecret } from '../webhook-secret';
import { webhookStream } from '@kb/domain';
import { WEBHOOK_OPTIONS, type WebhookOptions } from '../webhook-options';
import type { CreatedWebhookOutcome } from '../webhook.write';
import { CreateWebhookCommand } from './create-webhook.command';

@CommandHandler(CreateWebhookCommand)
export class CreateWebhookHandler implements ICommandHandler<CreateWebhookCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(WEBHOOK_OPTIONS) private readonly options: WebhookOptions,
  ) {}

  async execute(command: CreateWebhookCommand): Promise<CreatedWebhookOutcome> {
    const { url, eventTypes } = command.input;
    const webhookId = randomUUID();
    const secret = generateWebhookSecret();
    const outcome = await this.executor.execute(
      webhookStream,
      webhookId,
      // Plain http:// only where private addresses are allowed too (tests, local development).
      {
        type: 'CreateWebhook',
        webhookId,
        url,
        eventTypes,
        secret,
        allowPlainHttp: this.options.allowPrivate,
      },
      commandContext(command.caller, {}),
      // What an idempotency key would be bound to: the input, never the secret.
      { operation: 'CreateWebhook', input: { url, eventTypes } },
    );
    return { ...outcome, secret };
  }
}
