import { Inject } from '@nestjs/common';
import type { Command } from '@nestjs/cqrs';
import { Args, Context, Field, ID, InputType, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { findWebhookById, listWebhooks, type WebhookView } from '@kb/read-models';
import { callerOf, type ApiContext } from '../graphql/api-context';
import { Allow } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { ReadYourWrites } from '../read-side/read-your-writes';
import {
  CreateWebhookCommand,
  type CreateWebhookInput as CreateWebhookFields,
} from './create-webhook/create-webhook.command';
import { webhookWrite, type WebhookOutcome } from './webhook.write';

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
export class CreateWebhookInput implements CreateWebhookFields {
  @Field({
    description:
      'An absolute https:// URL of at most 2048 characters, without credentials. Plain http:// only when the service runs with WEBHOOK_ALLOW_PRIVATE=true (tests, local development); deliveries never go to private, loopback or metadata addresses otherwise.',
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
    private readonly writes: ReadYourWrites,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly dispatcher: WebhookDispatcher,
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
    const created = await this.readBack(
      new CreateWebhookCommand({ url: input.url, eventTypes: input.eventTypes }, callerOf(context)),
      (webhook, outcome) => ({ webhook, secret: outcome.secret }),
    );
    // Delivery starts now rather than at the next look at the list (from the creation's position).
    void this.dispatcher.refresh();
    return created;
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
    const deleted = await this.readBack(
      webhookWrite({ type: 'DeleteWebhook', webhookId: id }, callerOf(context), {}),
      (webhook) => webhook,
    );
    // At once: the attempt in flight is aborted and nothing more is sent to it.
    await this.dispatcher.stop(id);
    return deleted;
  }

  /**
   * Waits (bounded) until the webhooks projection shows the write (the list and delivery read it),
   * then reads it; if the read model is still behind, answers with the state the command decided.
   */
  private readBack<Outcome extends WebhookOutcome, Answer>(
    command: Command<Outcome>,
    answer: (webhook: Webhook, outcome: Outcome) => Answer,
  ): Promise<Answer> {
    const fromReadModel = async (outcome: Outcome) => {
      const webhook = await findWebhookById(this.dataSource, outcome.entityId);
      return webhook ? answer(toWebhook(webhook), outcome) : null;
    };
    return this.writes.readBack(command, {
      fromReadModel,
      asDecided: async (outcome) => {
        const read = await fromReadModel(outcome);
        if (read) return read;
        const decided = outcome.state;
        if (!decided.exists) return null;
        const { id, url, eventTypes, createdAt } = decided;
        return answer(toWebhook({ id, url, eventTypes: [...eventTypes], createdAt }), outcome);
      },
    });
  }
}

/** Only the contract's fields: whatever else a view or row may carry stays on the server. */
export function toWebhook(view: Pick<WebhookView, 'id' | 'url' | 'eventTypes' | 'createdAt'>): Webhook {
  return { id: view.id, url: view.url, eventTypes: view.eventTypes, createdAt: view.createdAt };
}
