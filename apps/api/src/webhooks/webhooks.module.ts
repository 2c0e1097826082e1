import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { CreateWebhookHandler } from './create-webhook/create-webhook.handler';
import { WebhooksResolver } from './webhooks.resolver';

/** The webhook stream's commands and GraphQL operations (ADMIN only). Delivery is not here yet. */
@Module({
  imports: [EventSourcingModule],
  providers: [CreateWebhookHandler, WebhooksResolver],
})
export class WebhooksModule {}
