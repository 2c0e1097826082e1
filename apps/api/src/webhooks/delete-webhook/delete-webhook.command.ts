import { Mutation, type WriteOptions } from '@kb/event-sourcing';
import { WebhookOutcome } from '../webhook.write';

export interface DeleteWebhookInput extends WriteOptions {
  /** The webhook's id (the contract's `deleteWebhook(id: ID!)`). */
  id: string;
}

/**
 * Deletes a webhook for good: nothing is delivered to it any more. Deleting a deleted webhook writes
 * nothing and succeeds (position null), with the webhook as it is.
 */
export class DeleteWebhookCommand extends Mutation<DeleteWebhookInput, WebhookOutcome> {}
