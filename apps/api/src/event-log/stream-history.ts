import { Inject, Injectable } from '@nestjs/common';
import { actionItemStreamId, incidentStreamId } from '@kb/domain';
import { EVENT_STORE, StreamNotFoundError, type EventStore, type StoredEvent } from '@kb/event-store';
import { foldActionItemRows, foldIncidentRows, toProjectedEvent, type ActionItemRow } from '@kb/read-models';
import type { Incident } from '../incidents/incident.type';
import { toRecordedEvent, type RecordedEvent } from './recorded-event.type';

/**
 * Reads the event store, not the read models: the audit trail of an entity, and the entity as the
 * knowledge base knew it at an instant (`asOf`: the events recorded up to then, folded by the same
 * code the projections run, so a past state looks exactly like a present one).
 */
@Injectable()
export class StreamHistory {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async ofIncident(incidentId: string, upTo?: string): Promise<RecordedEvent[]> {
    return (await this.events(incidentStreamId(incidentId), upTo)).map(toRecordedEvent);
  }

  async ofActionItem(actionItemId: string, upTo?: string): Promise<RecordedEvent[]> {
    return (await this.events(actionItemStreamId(actionItemId), upTo)).map(toRecordedEvent);
  }

  /** The incident folded from its events recorded up to `asOf`, or from all its events when `asOf` is null. */
  async incidentAsOf(incidentId: string, asOf: string | null): Promise<Incident | null> {
    const events = await this.events(incidentStreamId(incidentId), asOf ?? undefined);
    const rows = foldIncidentRows(events.map(toProjectedEvent));
    if (!rows.incident) return null;
    return {
      ...rows.incident,
      asOf: { at: asOf ?? undefined, timeline: rows.timeline, findings: rows.findings, links: rows.links },
    };
  }

  /** The action item folded from its events recorded up to `asOf`, or from all its events when `asOf` is null. */
  async actionItemAsOf(
    actionItemId: string,
    asOf: string | null,
  ): Promise<(ActionItemRow & { asOf?: string }) | null> {
    const events = await this.events(actionItemStreamId(actionItemId), asOf ?? undefined);
    const row = foldActionItemRows(events.map(toProjectedEvent));
    return row && (asOf === null ? row : { ...row, asOf });
  }

  /** The stream's events, oldest first, recorded at or before `upTo` when given; none for an unknown stream. */
  private async events(streamId: string, upTo?: string): Promise<StoredEvent[]> {
    let events: StoredEvent[];
    try {
      events = await this.store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
    if (upTo === undefined) return events;
    const limit = new Date(upTo).getTime();
    return events.filter((event) => event.recordedAt.getTime() <= limit);
  }
}
