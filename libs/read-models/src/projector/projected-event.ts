import {
  ACTION_ITEM_STREAM_PREFIX,
  API_KEY_STREAM_PREFIX,
  INCIDENT_STREAM_PREFIX,
  WEBHOOK_STREAM_PREFIX,
  actionItemCatalogue,
  apiKeyCatalogue,
  incidentCatalogue,
  upcast,
  webhookCatalogue,
  type ActionItemEvent,
  type ApiKeyEvent,
  type IncidentEvent,
  type WebhookEvent,
} from '@kb/domain';
import type { JsonObject, StoredEvent } from '@kb/event-store';
import { isoTime } from '../read-model-time';

export type DomainEvent = IncidentEvent | ActionItemEvent | ApiKeyEvent | WebhookEvent;

export interface EventEnvelope {
  readonly id: string;
  readonly streamId: string;
  /** 0-based revision of the event in its stream. */
  readonly revision: number;
  readonly position: string;
  /** When the store accepted the event, ISO-8601 UTC with milliseconds. */
  readonly recordedAt: string;
  readonly metadata: JsonObject;
}

/** A domain event, upcast to its current schema version, with where and when the store holds it. */
export type ProjectedEvent = DomainEvent & EventEnvelope;

export const PROJECTED_STREAM_PREFIXES = [
  INCIDENT_STREAM_PREFIX,
  ACTION_ITEM_STREAM_PREFIX,
  API_KEY_STREAM_PREFIX,
  WEBHOOK_STREAM_PREFIX,
] as const;

export function toProjectedEvent(stored: StoredEvent): ProjectedEvent {
  const schemaVersion = typeof stored.metadata.schemaVersion === 'number' ? stored.metadata.schemaVersion : 1;
  let event: DomainEvent;
  if (stored.streamId.startsWith(INCIDENT_STREAM_PREFIX))
    event = upcast(incidentCatalogue, stored.type, schemaVersion, stored.data);
  else if (stored.streamId.startsWith(ACTION_ITEM_STREAM_PREFIX))
    event = upcast(actionItemCatalogue, stored.type, schemaVersion, stored.data);
  else if (stored.streamId.startsWith(API_KEY_STREAM_PREFIX))
    event = upcast(apiKeyCatalogue, stored.type, schemaVersion, stored.data);
  else if (stored.streamId.startsWith(WEBHOOK_STREAM_PREFIX))
    event = upcast(webhookCatalogue, stored.type, schemaVersion, stored.data);
  else throw new Error(`Stream '${stored.streamId}' is not one the read models project.`);
  return {
    ...event,
    id: stored.id,
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
    recordedAt: isoTime(stored.recordedAt),
    metadata: stored.metadata,
  };
}

export type ProjectedIncidentEvent = IncidentEvent & EventEnvelope;
export type ProjectedActionItemEvent = ActionItemEvent & EventEnvelope;
export type ProjectedApiKeyEvent = ApiKeyEvent & EventEnvelope;
export type ProjectedWebhookEvent = WebhookEvent & EventEnvelope;

/** The stream decides the catalogue an event was read with (see toProjectedEvent). */
export function isIncidentEvent(event: ProjectedEvent): event is ProjectedIncidentEvent {
  return event.streamId.startsWith(INCIDENT_STREAM_PREFIX);
}

export function isActionItemEvent(event: ProjectedEvent): event is ProjectedActionItemEvent {
  return event.streamId.startsWith(ACTION_ITEM_STREAM_PREFIX);
}

export function isApiKeyEvent(event: ProjectedEvent): event is ProjectedApiKeyEvent {
  return event.streamId.startsWith(API_KEY_STREAM_PREFIX);
}

export function isWebhookEvent(event: ProjectedEvent): event is ProjectedWebhookEvent {
  return event.streamId.startsWith(WEBHOOK_STREAM_PREFIX);
}
