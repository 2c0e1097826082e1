import { Command } from '@nestjs/cqrs';
import type { CommandFields, WebhookCommand } from '@kb/domain';
import type { Caller } from '@kb/event-sourcing';
import type { CreatedWebhookOutcome } from '../webhook.write';

/**
 * The contract's CreateWebhookInput: the URL and the event type names (empty means all). No
 * idempotencyKey: a failed call is repeated, and a webhook made twice is deleted.
 */
export type CreateWebhookInput = Pick<CommandFields<WebhookCommand, 'CreateWebhook'>, 'url' | 'eventTypes'>;

/** Registers a webhook with a new signing secret: a new webhook stream. The outcome holds the secret. */
export class CreateWebhookCommand extends Command<CreatedWebhookOutcome> {
  constructor(
    readonly input: CreateWebhookInput,
    readonly caller: Caller,
  ) {
    super();
  }
}
