import { Module, type DynamicModule } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { CreateWebhookHandler } from './create-webhook/create-webhook.handler';
import { WEBHOOK_OPTIONS, type WebhookOptions } from './webhook-options';
import { WebhooksResolver } from './webhooks.resolver';

/** The webhook stream's commands and GraphQL operations (ADMIN only). Delivery is not here yet. */
@Module({})
export class WebhooksModule {
  static register(options: WebhookOptions): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [EventSourcingModule],
      providers: [{ provide: WEBHOOK_OPTIONS, useValue: options }, CreateWebhookHandler, WebhooksResolver],
    };
  }
}
