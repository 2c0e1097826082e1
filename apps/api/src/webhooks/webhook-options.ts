import type { AppConfig } from '../config/app-config';

/** The injection token of the webhook settings (`config.webhooks`), given by `WebhooksModule.register`. */
export const WEBHOOK_OPTIONS = Symbol('WEBHOOK_OPTIONS');

/** The webhook settings: WEBHOOK_ALLOW_PRIVATE, and whatever webhook setting joins it later. */
export type WebhookOptions = AppConfig['webhooks'];
