import { Mutation, type WriteOptions } from '@kb/event-sourcing';
import { CreatedWebhookOutcome } from '../webhook.write';

/** The contract's CreateWebhookInput. */
export interface CreateWebhookInput extends WriteOptions {
  url: string;
  /** Event type names; empty means all. */
  eventTypes: string[];
  /** Not in the contract's input: a failed call is repeated, and a webhook made twice is deleted. */
  idempotencyKey?: never;
  /** Not applicable: the webhook is new. */
  expectedRevision?: never;
}

/** Registers a webhook with a new signing secret: a new webhook stream. The outcome holds the secret. */
export class CreateWebhookCommand extends Mutation<CreateWebhookInput, CreatedWebhookOutcome> {}
