import { Inject } from '@nestjs/common';
import { Args, Int, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { EntityNotFoundError } from '@kb/domain';
import { EVENT_STORE, type EventStore } from '@kb/event-store';
import {
  findDelivery,
  findWebhookById,
  listWebhookDeliveries,
  markForRedelivery,
  type Connection,
  type WebhookDeliveryRow,
} from '@kb/read-models';
import { RecordedEvent, toRecordedEvent } from '../event-log/recorded-event.type';
import { WebhookDeliveryStatusEnum } from '../graphql/enums';
import { Allow } from '../graphql/roles.guard';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { WebhookDispatcher } from './delivery/webhook-dispatcher';
import { RedeliverWebhookInput, WebhookDelivery, WebhookDeliveryConnection } from './webhook-delivery.type';
import { toWebhook, Webhook } from './webhooks.resolver';

/** What admins see of delivery: each webhook's checkpoint, lag and deliveries, and redelivery. */
@Resolver(() => Webhook)
export class WebhookDeliveriesResolver {
  constructor(
    private readonly dispatcher: WebhookDispatcher,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  @ResolveField(() => String, {
    nullable: true,
    description:
      'Position of the last event this webhook has been delivered (or has given up on); null before the first.',
  })
  checkpoint(@Parent() webhook: Webhook): Promise<string | null> {
    return this.dispatcher.checkpointOf(webhook.id);
  }

  @ResolveField(() => Int, {
    description: 'Events stored after the checkpoint that this webhook has not been delivered yet.',
  })
  lag(@Parent() webhook: Webhook): Promise<number> {
    return this.dispatcher.lagOf(webhook.id);
  }

  @ResolveField(() => WebhookDeliveryConnection, { description: 'Newest first.' })
  deliveries(
    @Parent() webhook: Webhook,
    @Args('status', { type: () => WebhookDeliveryStatusEnum, nullable: true }) status: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<WebhookDeliveryRow>> {
    return listWebhookDeliveries(this.dataSource, webhook.id, { status, first, after });
  }

  @Allow('ADMIN')
  @Mutation(() => Webhook, {
    description:
      'Sends one delivery again (any status), or every FAILED delivery of the webhook when deliveryId is null.',
  })
  async redeliverWebhook(@Args('input') input: RedeliverWebhookInput): Promise<Webhook> {
    const webhook = await findWebhookById(this.dataSource, input.webhookId);
    if (!webhook || webhook.deletedAt !== null)
      throw new EntityNotFoundError('Webhook', input.webhookId, 'webhookId');
    const deliveryId = input.deliveryId ?? null;
    if (deliveryId !== null) {
      const delivery = await findDelivery(this.dataSource, deliveryId);
      if (!delivery || delivery.webhookId !== webhook.id)
        throw new EntityNotFoundError('WebhookDelivery', deliveryId, 'deliveryId');
    }
    // What the workers recorded but did not write yet must not overwrite the redelivery.
    await this.dispatcher.flush();
    await markForRedelivery(this.dataSource, webhook.id, deliveryId, new Date());
    return toWebhook(webhook);
  }
}

/** A delivery's event, read from the store (the row keeps only where it is). */
@Resolver(() => WebhookDelivery)
export class WebhookDeliveryFieldsResolver {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @ResolveField(() => RecordedEvent)
  async event(@Parent() delivery: WebhookDeliveryRow): Promise<RecordedEvent> {
    const [event] = await this.store.readStream(delivery.streamId, {
      fromRevision: delivery.revision,
      maxCount: 1,
    });
    if (event?.id !== delivery.eventId)
      throw new Error(`The event ${delivery.eventId} of delivery ${delivery.id} is not in the store.`);
    return toRecordedEvent(event);
  }
}
