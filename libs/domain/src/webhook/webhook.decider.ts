import { actionItemCatalogue } from '../action-item/action-item.catalogue';
import { incidentCatalogue } from '../incident/incident.catalogue';
import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import type { WebhookEvent } from './webhook.events';
import {
  isStandardWebhookSecret,
  WEBHOOK_SECRET_MAX_BYTES,
  WEBHOOK_SECRET_MIN_BYTES,
} from './webhook.secret-format';
import type { WebhookState } from './webhook.state';

export const WEBHOOK_URL_MAX = 2048;
export const WEBHOOK_EVENT_TYPES_MAX = 50;

/** What a webhook may subscribe to: the event types of incidents and action items (not API keys or webhooks). */
export const WEBHOOK_EVENT_TYPES: readonly string[] = [
  ...Object.keys(incidentCatalogue.versions),
  ...Object.keys(actionItemCatalogue.versions),
];
const KNOWN_EVENT_TYPES = new Set(WEBHOOK_EVENT_TYPES);

/**
 * The commands of a webhook registration's stream. A webhook is created with a URL, the event types
 * it wants (none: all) and its signing secret (generated outside the domain), and can be deleted.
 * `allowPlainHttp` is the service's setting (WEBHOOK_ALLOW_PRIVATE), not the caller's: whether a
 * plain `http://` URL is taken (tests and local development) or only `https://`.
 * Deleting is idempotent and final: deleting a deleted webhook decides nothing and the first
 * deletedAt stays; there is no undelete (create a new webhook, with a new secret).
 */
export type WebhookCommand = { webhookId: string } & (
  | {
      type: 'CreateWebhook';
      url: string;
      eventTypes: readonly string[];
      secret: string;
      allowPlainHttp: boolean;
    }
  | { type: 'DeleteWebhook' }
);

export function decideWebhook(command: WebhookCommand, state: WebhookState, now: Date): WebhookEvent[] {
  switch (command.type) {
    case 'CreateWebhook':
      if (state.exists)
        throw new DomainRuleError('webhookId', `a webhook with the id '${command.webhookId}' already exists`);
      return [
        {
          type: 'WebhookCreated',
          data: {
            webhookId: command.webhookId,
            url: checkWebhookUrl(command.url, command.allowPlainHttp),
            eventTypes: checkWebhookEventTypes(command.eventTypes),
            secret: checkWebhookSecret(command.secret),
            createdAt: now.toISOString(),
          },
        },
      ];
    case 'DeleteWebhook':
      if (!state.exists) throw new EntityNotFoundError('Webhook', command.webhookId, 'id');
      if (state.deletedAt !== null) return [];
      return [{ type: 'WebhookDeleted', data: { webhookId: state.id, deletedAt: now.toISOString() } }];
    default:
      return assertNever(command);
  }
}

/**
 * An absolute `https://` URL of at most 2048 characters, without credentials; also a plain `http://`
 * one, to any host, when `allowPlainHttp` (the service runs with WEBHOOK_ALLOW_PRIVATE=true, for
 * tests and local development). Returns the URL normalised (as WHATWG URL serialises it: lowercase
 * scheme and host, punycode, a path of at least `/`). Messages never echo the URL, which might hold
 * a password. Which addresses the host may resolve to is checked at delivery, not here: a name's
 * addresses can change after creation.
 */
export function checkWebhookUrl(value: string, allowPlainHttp: boolean): string {
  const text = value.trim();
  if (text.length === 0) throw new DomainRuleError('url', 'must not be empty');
  if (text.length > WEBHOOK_URL_MAX)
    throw new DomainRuleError('url', `must be at most ${WEBHOOK_URL_MAX} characters (it has ${text.length})`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new DomainRuleError('url', 'must be an absolute URL such as https://hooks.example.com/kb');
  }
  if (url.protocol === 'http:' && !allowPlainHttp)
    throw new DomainRuleError(
      'url',
      'must use https:// (plain http:// is allowed only when the service runs with WEBHOOK_ALLOW_PRIVATE=true, for tests and local development)',
    );
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DomainRuleError('url', `must be an https:// URL (not ${url.protocol.slice(0, 20)}//)`);
  if (url.username !== '' || url.password !== '')
    throw new DomainRuleError(
      'url',
      'must not hold credentials (user:password@): deliveries are signed with the webhook secret instead',
    );
  if (url.href.length > WEBHOOK_URL_MAX)
    throw new DomainRuleError(
      'url',
      `must be at most ${WEBHOOK_URL_MAX} characters once normalised (it has ${url.href.length})`,
    );
  return url.href;
}

/**
 * At most 50 names, each an event type of incidents or action items (docs/events.md), none twice.
 * An empty list means every event type. Returns them in the order given.
 */
export function checkWebhookEventTypes(values: readonly string[]): string[] {
  if (values.length > WEBHOOK_EVENT_TYPES_MAX)
    throw new DomainRuleError(
      'eventTypes',
      `must name at most ${WEBHOOK_EVENT_TYPES_MAX} event types (it names ${values.length})`,
    );
  const seen = new Map<string, number>();
  values.forEach((value, i) => {
    if (!KNOWN_EVENT_TYPES.has(value))
      throw new DomainRuleError(
        `eventTypes[${i}]`,
        `'${value.slice(0, 100)}' is not an event type of incidents or action items; they are ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      );
    const first = seen.get(value);
    if (first !== undefined)
      throw new DomainRuleError(`eventTypes[${i}]`, `'${value}' is named already, by eventTypes[${first}]`);
    seen.set(value, i);
  });
  return [...values];
}

/**
 * A new webhook's secret is in the standard form: `whsec_` and standard base64 of 24 to 64 bytes,
 * which the Standard Webhooks libraries read. Secrets of webhooks created before 2026-12-02
 * (base64url) stay in their events and still sign (see webhook.secret-format.ts), but no new webhook
 * gets one.
 */
function checkWebhookSecret(value: string): string {
  // Not user input: a wrong value is a bug of the caller. The message never echoes the value.
  if (!isStandardWebhookSecret(value))
    throw new DomainRuleError(
      'secret',
      `must be whsec_ and ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} bytes in standard base64, with its padding`,
    );
  return value;
}

function assertNever(command: never): never {
  throw new Error(`Unknown webhook command: ${JSON.stringify(command)}`);
}
