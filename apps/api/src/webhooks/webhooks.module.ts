import { Module, type DynamicModule } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { CreateWebhookHandler } from './create-webhook/create-webhook.handler';
import {
  WEBHOOK_DELIVERY_OPTIONS,
  WebhookDispatcher,
  type WebhookDeliveryOptions,
} from './delivery/webhook-dispatcher';
import type { ObserveDelivery } from './delivery/delivery-transport';
import { WebhookHttpClient } from './delivery/webhook-http-client';
import { signedHeaders } from './delivery/webhook-signature';
import { WebhookDeliveriesResolver, WebhookDeliveryFieldsResolver } from './webhook-deliveries.resolver';
import { WEBHOOK_OPTIONS, type WebhookOptions } from './webhook-options';
import { WebhooksResolver } from './webhooks.resolver';

/**
 * Webhooks: the registration stream's commands and GraphQL operations (ADMIN only), and delivery of
 * the events of incidents and action items to them (Standard Webhooks, at least once, in order per
 * stream), with what admins see of it.
 */
@Module({})
export class WebhooksModule {
  /** `deliver`: this process sends the deliveries (KB_ROLES has `webhooks`); `observe`: metrics. */
  static register(options: WebhookOptions, deliver = true, observe?: ObserveDelivery): DynamicModule {
    const client = new WebhookHttpClient();
    const delivery: WebhookDeliveryOptions = {
      enabled: deliver,
      policy: {
        firstRetryMs: options.firstRetryMs,
        maxRetryDelayMs: options.maxRetryDelayMs,
        retryWindowMs: options.retryWindowMs,
      },
      timeoutMs: options.timeoutMs,
      allowPrivate: options.allowPrivate,
      send: (request) => client.send(request),
      sign: signedHeaders,
      close: () => client.close(),
      observe,
    };
    return {
      module: WebhooksModule,
      imports: [EventSourcingModule],
      providers: [
        { provide: WEBHOOK_OPTIONS, useValue: options },
        { provide: WEBHOOK_DELIVERY_OPTIONS, useValue: delivery },
        CreateWebhookHandler,
        WebhooksResolver,
        WebhookDispatcher,
        WebhookDeliveriesResolver,
        WebhookDeliveryFieldsResolver,
      ],
    };
  }
}
