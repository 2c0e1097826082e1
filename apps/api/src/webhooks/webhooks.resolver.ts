import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { findWebhookById, listWebhooks, Projector, type WebhookView } from '@kb/read-models';
import { callerOf, type ApiContext } from '../graphql/api-context';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../graphql/read-your-writes';
import { Allow } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { CreateWebhookCommand } from './create-webhook/create-webhook.command';
import { DeleteWebhookCommand } from './delete-webhook/delete-webhook.command';
import { CreatedWebhookOutcome, WebhookOutcome } from './webhook.write';

/** A webhook registration. Never with its signing secret. */
@ObjectType()
export class Webhook {
  @Field(() => ID)
  id!: string;

  @Field()
  url!: string;

  @Field(() => [String])
  eventTypes!: string[];

  @Field(() => DateTimeScalar)
  createdAt!: string;
}

@ObjectType({ description: 'The signing secret is shown once, here, and never again.' })
export class CreatedWebhook {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field({ description: 'The key of the HMAC signature of every delivery. Keep it with the receiver.' })
  secret!: string;
}

@InputType()
export class CreateWebhookInput {
  @Field({
    description:
      'An absolute https:// URL of at most 2048 characters, without credentials. Plain http:// is allowed only to localhost, 127.0.0.1 or [::1], for development.',
  })
  url!: string;

  @Field(() => [String], {
    description:
      'Event type names; empty means all. Each an event type of incidents or action items (docs/events.md), at most 50, none twice.',
  })
  eventTypes!: string[];
}

/** Webhook registrations, for ADMIN only: list, create (the secret is shown once) and delete. */
@Resolver(() => Webhook)
export class WebhooksResolver {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly projector: Projector,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @Allow('ADMIN')
  @Query(() => [Webhook], {
    description: 'The webhooks that are not deleted, oldest first. Never the secrets.',
  })
  async webhooks(): Promise<Webhook[]> {
    return (await listWebhooks(this.dataSource)).map(toWebhook);
  }

  @Allow('ADMIN')
  @Mutation(() => CreatedWebhook, {
    description: 'Registers a webhook; its signing secret is in the response, once.',
  })
  async createWebhook(
    @Args('input') input: CreateWebhookInput,
    @Context() context: ApiContext,
  ): Promise<CreatedWebhook> {
    const outcome = await this.commandBus.execute<CreateWebhookCommand, CreatedWebhookOutcome>(
      new CreateWebhookCommand({ url: input.url, eventTypes: input.eventTypes }, callerOf(context)),
    );
    return { webhook: await this.readBack(outcome), secret: outcome.secret };
  }

  @Allow('ADMIN')
  @Mutation(() => Webhook, {
    description:
      'Deletes a webhook for good: nothing is delivered to it any more. Deleting it again changes nothing.',
  })
  async deleteWebhook(
    @Args('id', { type: () => ID }) id: string,
    @Context() context: ApiContext,
  ): Promise<Webhook> {
    const outcome = await this.commandBus.execute<DeleteWebhookCommand, WebhookOutcome>(
      new DeleteWebhookCommand({ id }, callerOf(context)),
    );
    return this.readBack(outcome);
  }

  /**
   * Waits (bounded) until the webhooks projection shows the write (the list and delivery read it),
   * then reads it; if the read model is still behind, answers with the state the command decided.
   */
  private async readBack(outcome: WebhookOutcome): Promise<Webhook> {
    if (outcome.position !== null)
      await this.projector.waitForPosition(outcome.position, READ_YOUR_WRITES_TIMEOUT_MS);
    const webhook = await findWebhookById(this.dataSource, outcome.entityId);
    if (webhook) return toWebhook(webhook);
    const decided = outcome.state;
    if (!decided.exists) throw new Error(`The webhook ${outcome.entityId} has no state after its command.`);
    const { id, url, eventTypes, createdAt } = decided;
    return toWebhook({ id, url, eventTypes: [...eventTypes], createdAt });
  }
}

/** Only the contract's fields: whatever else a view or row may carry stays on the server. */
function toWebhook(view: Pick<WebhookView, 'id' | 'url' | 'eventTypes' | 'createdAt'>): Webhook {
  return { id: view.id, url: view.url, eventTypes: view.eventTypes, createdAt: view.createdAt };
}
