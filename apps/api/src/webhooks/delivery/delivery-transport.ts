import type { WebhookDeliveryRow } from '@kb/read-models';
import type { AttemptRequest, AttemptResult } from './webhook-http-client';
import type { signedHeaders } from './webhook-signature';

export type { AttemptRequest, AttemptResult };

/** One HTTP attempt (WebhookHttpClient#send); a parameter, so the worker can be tested without HTTP. */
export type SendAttempt = (request: AttemptRequest) => Promise<AttemptResult>;

/** The Standard Webhooks headers of one delivery (signedHeaders). */
export type SignDelivery = typeof signedHeaders;

/** Sees a delivery's state after each attempt, and when its event was recorded (for metrics). */
export type ObserveDelivery = (delivery: WebhookDeliveryRow, eventRecordedAt: Date) => void;
