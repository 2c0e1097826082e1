import type { EntityManager } from 'typeorm';
import type { IncidentReported, Milestone } from '@kb/domain';
import {
  isIncidentEvent,
  type ProjectedEvent,
  type ProjectedIncidentEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime, isoTimeOrNull } from '../read-model-time';
import {
  FindingRow,
  IncidentLinkRow,
  IncidentRow,
  IncidentServiceRow,
  IncidentTagRow,
  TimelineEntryRow,
} from './incident.entity';

const MILESTONE_COLUMNS = {
  DETECTED: 'detectedAt',
  ACKNOWLEDGED: 'acknowledgedAt',
  MITIGATED: 'mitigatedAt',
  RESOLVED: 'resolvedAt',
} as const satisfies Record<Milestone, keyof IncidentRow>;

type Event<Type extends ProjectedIncidentEvent['type']> = Extract<ProjectedIncidentEvent, { type: Type }>;

/**
 * Incidents with their findings, timeline and links. An event is applied only when its revision is
 * above the incident row's, so applying it again (a redelivery, a rebuild over old rows) changes
 * nothing; child rows are written by upsert for the same reason.
 */
export class IncidentProjection implements Projection {
  readonly name = 'incidents';
  readonly tables = [
    'incident_links',
    'timeline_entries',
    'findings',
    'incident_tags',
    'incident_services',
    'incidents',
  ];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (!isIncidentEvent(event)) return;
    if (event.type === 'IncidentReported') return this.reported(manager, event);
    const incident = await manager.findOneBy(IncidentRow, { id: event.data.incidentId });
    // No report before it (a truncated stream): nothing to attach the event to.
    if (!incident || incident.revision >= event.revision) return;
    const changes: Partial<IncidentRow> = { revision: event.revision, updatedAt: event.recordedAt };
    switch (event.type) {
      case 'IncidentRevised': {
        const { title, summary, severity, services, tags, detectionSource, startedAt } = event.data.changes;
        if (title !== undefined) changes.title = title;
        if (summary !== undefined) changes.summary = summary;
        if (severity !== undefined) changes.severity = severity;
        if (detectionSource !== undefined) changes.detectionSource = detectionSource;
        if (startedAt !== undefined) changes.startedAt = isoTime(startedAt);
        if (services !== undefined) {
          changes.services = services;
          await this.replaceServices(manager, incident.id, services);
        }
        if (tags !== undefined) {
          changes.tags = tags;
          await this.replaceTags(manager, incident.id, tags);
        }
        break;
      }
      case 'MilestoneRecorded':
        changes[MILESTONE_COLUMNS[event.data.milestone]] = isoTime(event.data.at);
        break;
      case 'IncidentStatusChanged':
        changes.status = event.data.to;
        if (event.data.to === 'CLOSED') changes.closedAt = event.recordedAt;
        break;
      case 'IncidentReopened':
        changes.status = 'OPEN';
        changes.closedAt = null;
        break;
      case 'TimelineEntryAdded':
        await manager.upsert(
          TimelineEntryRow,
          {
            id: event.data.entryId,
            incidentId: incident.id,
            streamRevision: event.revision,
            at: isoTime(event.data.at),
            text: event.data.text,
          },
          ['id'],
        );
        break;
      case 'FindingRecorded':
        await manager.upsert(
          FindingRow,
          {
            id: event.data.findingId,
            incidentId: incident.id,
            streamRevision: event.revision,
            kind: event.data.kind,
            category: event.data.category,
            description: event.data.description,
            retracted: false,
            recordedAt: event.recordedAt,
          },
          ['id'],
        );
        break;
      case 'FindingRevised': {
        const { kind, category, description } = event.data.changes;
        const finding: Partial<FindingRow> = {};
        if (kind !== undefined) finding.kind = kind;
        if (category !== undefined) finding.category = category;
        if (description !== undefined) finding.description = description;
        if (Object.keys(finding).length > 0)
          await manager.update(FindingRow, { id: event.data.findingId }, finding);
        break;
      }
      case 'FindingRetracted':
        await manager.update(FindingRow, { id: event.data.findingId }, { retracted: true });
        break;
      case 'IncidentsLinked':
        await manager.upsert(
          IncidentLinkRow,
          {
            incidentId: incident.id,
            relatedIncidentId: event.data.relatedIncidentId,
            relation: event.data.relation,
            linkedAt: event.recordedAt,
          },
          ['incidentId', 'relatedIncidentId', 'relation'],
        );
        break;
      case 'PostmortemPublished':
        changes.postmortemSummary = event.data.summary;
        changes.postmortemImpact = event.data.impact;
        changes.postmortemPublishedAt = isoTime(event.data.publishedAt);
        break;
      default:
        return assertNever(event);
    }
    await manager.update(IncidentRow, { id: incident.id }, changes);
  }

  private async reported(manager: EntityManager, event: Event<'IncidentReported'>): Promise<void> {
    const d: IncidentReported['data'] = event.data;
    const existing = await manager.findOneBy(IncidentRow, { id: d.incidentId });
    if (existing && existing.revision >= event.revision) return;
    await manager.upsert(
      IncidentRow,
      {
        id: d.incidentId,
        revision: event.revision,
        title: d.title,
        summary: d.summary,
        kind: d.kind,
        severity: d.severity,
        status: 'OPEN',
        services: d.services,
        tags: d.tags,
        detectionSource: d.detectionSource,
        startedAt: isoTime(d.startedAt),
        detectedAt: isoTimeOrNull(d.detectedAt),
        acknowledgedAt: null,
        mitigatedAt: null,
        resolvedAt: null,
        closedAt: null,
        reportedAt: isoTime(d.reportedAt),
        updatedAt: event.recordedAt,
        postmortemSummary: null,
        postmortemImpact: null,
        postmortemPublishedAt: null,
      },
      ['id'],
    );
    await this.replaceServices(manager, d.incidentId, d.services);
    await this.replaceTags(manager, d.incidentId, d.tags);
  }

  private async replaceServices(manager: EntityManager, incidentId: string, services: readonly string[]) {
    await manager.delete(IncidentServiceRow, { incidentId });
    const rows = [...new Set(services)].map((service) => ({ incidentId, service }));
    if (rows.length > 0) await manager.insert(IncidentServiceRow, rows);
  }

  private async replaceTags(manager: EntityManager, incidentId: string, tags: readonly string[]) {
    await manager.delete(IncidentTagRow, { incidentId });
    const rows = [...new Set(tags)].map((tag) => ({ incidentId, tag }));
    if (rows.length > 0) await manager.insert(IncidentTagRow, rows);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
