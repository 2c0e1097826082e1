import { Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { WebhookDeliveryStatus } from '@kb/read-models';
import { ConnectionType } from '../graphql/connection';
import { WebhookDeliveryStatusEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';
import { RecordedEvent } from '../event-log/recorded-event.type';

@ObjectType({
  description:
    "One event's delivery to one webhook. Its id is the webhook-id header the receiver sees (the same on every retry).",
})
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => RecordedEvent)
  event!: RecordedEvent;

  @Field(() => WebhookDeliveryStatusEnum)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  lastAttemptAt!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'HTTP status of the last attempt; null when it got no answer.',
  })
  lastStatusCode!: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why the last attempt failed (timeout, refused, status code), never the receiver's whole body.",
  })
  lastError!: string | null;

  @Field(() => Int, { nullable: true })
  lastLatencyMs!: number | null;

  @Field(() => DateTimeScalar, { nullable: true })
  nextAttemptAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: string | null;
}

export const WebhookDeliveryConnection = ConnectionType('WebhookDelivery', () => WebhookDelivery);

@InputType()
export class RedeliverWebhookInput {
  @Field(() => ID)
  webhookId!: string;

  @Field(() => ID, { nullable: true })
  deliveryId?: string | null;
}
