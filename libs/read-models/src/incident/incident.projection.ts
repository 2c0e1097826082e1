import { INCIDENT_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import type { IncidentReported, Milestone } from '@kb/domain';
import { byKey, loadRowsWhereIn, replaceRowGroups, upsertRows } from '../projector/batch-rows';
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

const NO_EXPERIMENT = {
  experimentHypothesis: null,
  experimentSteadyState: null,
  experimentBlastRadius: null,
  experimentAbortConditions: null,
  experimentPlannedFor: null,
  experimentOutcome: null,
  experimentObservations: null,
  experimentConcludedAt: null,
} as const satisfies Partial<IncidentRow>;

type Event<Type extends ProjectedIncidentEvent['type']> = Extract<ProjectedIncidentEvent, { type: Type }>;

/**
 * Incidents with their findings, timeline and links. An event is applied only when its revision is
 * above the incident row's, so applying it again (a redelivery, a rebuild over old rows) changes
 * nothing; child rows are written by upsert for the same reason.
 *
 * A batch loads the rows its events touch (one query per table), folds the events into them in
 * memory and writes each changed row once; `apply` is a batch of one.
 */
export class IncidentProjection implements Projection {
  readonly name = 'incidents';
  readonly streamPrefixes = [INCIDENT_STREAM_PREFIX];
  readonly tables = [
    'incident_links',
    'timeline_entries',
    'findings',
    'incident_tags',
    'incident_services',
    'incidents',
  ];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const incidentEvents = events.filter(isIncidentEvent);
    if (incidentEvents.length === 0) return;
    const batch = await IncidentBatch.load(manager, incidentEvents);
    for (const event of incidentEvents) batch.apply(event);
    await batch.write(manager);
  }
}

/** An incident's rows as the projection would write them. */
export interface IncidentRows {
  readonly incident: IncidentRow | null;
  /** In the order they were recorded. */
  readonly findings: FindingRow[];
  /** By `at`, then the order they were added. */
  readonly timeline: TimelineEntryRow[];
  /** In the order they were made. */
  readonly links: IncidentLinkRow[];
}

/**
 * One incident's rows folded in memory from its events by the projection's own code: the incident as
 * known after those events (time travel reads the events recorded up to an instant).
 */
export function foldIncidentRows(events: readonly ProjectedEvent[]): IncidentRows {
  const batch = IncidentBatch.empty();
  for (const event of events) if (isIncidentEvent(event)) batch.apply(event);
  return batch.rows();
}

/** The rows a batch of incident events touches: loaded once, changed in memory, written once. */
class IncidentBatch {
  private readonly changedIncidents = new Set<string>();
  private readonly changedFindings = new Set<string>();
  /** Incidents whose services / tags were replaced, with the final list. */
  private readonly services = new Map<string, IncidentServiceRow[]>();
  private readonly tags = new Map<string, IncidentTagRow[]>();
  private readonly timeline = new Map<string, TimelineEntryRow>();
  private readonly links = new Map<string, IncidentLinkRow>();

  /** Incidents without a row before the batch: they have no child rows either. */
  private readonly absent: Set<string>;

  private constructor(
    incidentIds: readonly string[],
    private readonly incidents: Map<string, IncidentRow>,
    /** The findings the batch's revisions and retractions name, and those it records. */
    private readonly findings: Map<string, FindingRow>,
  ) {
    this.absent = new Set(incidentIds.filter((id) => !incidents.has(id)));
  }

  /** A batch over no stored rows: a fold from nothing. */
  static empty(): IncidentBatch {
    return new IncidentBatch([], new Map(), new Map());
  }

  rows(): IncidentRows {
    const [incident = null] = this.incidents.values();
    return {
      incident,
      findings: [...this.findings.values()].sort((a, b) => a.streamRevision - b.streamRevision),
      timeline: [...this.timeline.values()].sort((a, b) =>
        a.at < b.at ? -1 : a.at > b.at ? 1 : a.streamRevision - b.streamRevision,
      ),
      links: [...this.links.values()].sort((a, b) =>
        a.linkedAt < b.linkedAt ? -1 : a.linkedAt > b.linkedAt ? 1 : 0,
      ),
    };
  }

  static async load(
    manager: EntityManager,
    events: readonly ProjectedIncidentEvent[],
  ): Promise<IncidentBatch> {
    const findingIds = events.flatMap((e) =>
      e.type === 'FindingRevised' || e.type === 'FindingRetracted' ? [e.data.findingId] : [],
    );
    const incidentIds = events.map((e) => e.data.incidentId);
    const incidents = await loadRowsWhereIn(manager, IncidentRow, 'id', incidentIds);
    const findings = await loadRowsWhereIn(manager, FindingRow, 'id', findingIds);
    return new IncidentBatch(
      incidentIds,
      byKey(incidents, (row) => row.id),
      byKey(findings, (row) => row.id),
    );
  }

  apply(event: ProjectedIncidentEvent): void {
    if (event.type === 'IncidentReported') return this.reported(event);
    const incident = this.incidents.get(event.data.incidentId);
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
          this.replaceServices(incident.id, services);
        }
        if (tags !== undefined) {
          changes.tags = tags;
          this.replaceTags(incident.id, tags);
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
        this.timeline.set(event.data.entryId, {
          id: event.data.entryId,
          incidentId: incident.id,
          streamRevision: event.revision,
          at: isoTime(event.data.at),
          text: event.data.text,
        });
        break;
      case 'FindingRecorded':
        this.findings.set(event.data.findingId, {
          id: event.data.findingId,
          incidentId: incident.id,
          streamRevision: event.revision,
          kind: event.data.kind,
          category: event.data.category,
          description: event.data.description,
          retracted: false,
          recordedAt: event.recordedAt,
        });
        this.changedFindings.add(event.data.findingId);
        break;
      case 'FindingRevised': {
        const { kind, category, description } = event.data.changes;
        const finding = this.findings.get(event.data.findingId);
        if (!finding) break;
        if (kind !== undefined) finding.kind = kind;
        if (category !== undefined) finding.category = category;
        if (description !== undefined) finding.description = description;
        this.changedFindings.add(finding.id);
        break;
      }
      case 'FindingRetracted': {
        const finding = this.findings.get(event.data.findingId);
        if (!finding) break;
        finding.retracted = true;
        this.changedFindings.add(finding.id);
        break;
      }
      case 'IncidentsLinked': {
        const link: IncidentLinkRow = {
          incidentId: incident.id,
          relatedIncidentId: event.data.relatedIncidentId,
          relation: event.data.relation,
          linkedAt: event.recordedAt,
        };
        this.links.set(JSON.stringify([link.incidentId, link.relatedIncidentId, link.relation]), link);
        break;
      }
      case 'PostmortemPublished':
        changes.postmortemSummary = event.data.summary;
        changes.postmortemImpact = event.data.impact;
        changes.postmortemPublishedAt = isoTime(event.data.publishedAt);
        break;
      case 'PostmortemDueSet':
        changes.postmortemDueAt = isoTime(event.data.dueAt);
        break;
      case 'PostmortemOverdue':
        changes.postmortemOverdueFor = isoTime(event.data.dueAt);
        break;
      case 'ExperimentPlanned':
        // A new plan replaces the whole plan (the decider refuses one after the conclusion).
        changes.experimentHypothesis = event.data.hypothesis;
        changes.experimentSteadyState = event.data.steadyState;
        changes.experimentBlastRadius = event.data.blastRadius;
        changes.experimentAbortConditions = event.data.abortConditions;
        changes.experimentPlannedFor = isoTimeOrNull(event.data.plannedFor);
        break;
      case 'ExperimentConcluded':
        changes.experimentOutcome = event.data.outcome;
        changes.experimentObservations = event.data.observations;
        changes.experimentConcludedAt = isoTime(event.data.concludedAt);
        break;
      default:
        return assertNever(event);
    }
    Object.assign(incident, changes);
    this.changedIncidents.add(incident.id);
  }

  async write(manager: EntityManager): Promise<void> {
    const changed = <Row>(rows: Map<string, Row>, keys: Set<string>) =>
      [...keys].map((key) => rows.get(key) as Row);
    await upsertRows(manager, IncidentRow, changed(this.incidents, this.changedIncidents));
    await replaceRowGroups(manager, IncidentServiceRow, 'incidentId', this.services, this.absent);
    await replaceRowGroups(manager, IncidentTagRow, 'incidentId', this.tags, this.absent);
    await upsertRows(manager, TimelineEntryRow, [...this.timeline.values()]);
    await upsertRows(manager, FindingRow, changed(this.findings, this.changedFindings));
    await upsertRows(manager, IncidentLinkRow, [...this.links.values()]);
  }

  private reported(event: Event<'IncidentReported'>): void {
    const d: IncidentReported['data'] = event.data;
    const existing = this.incidents.get(d.incidentId);
    if (existing && existing.revision >= event.revision) return;
    this.incidents.set(d.incidentId, {
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
      ...NO_EXPERIMENT,
      postmortemDueAt: null,
      postmortemOverdueFor: null,
    });
    this.changedIncidents.add(d.incidentId);
    this.replaceServices(d.incidentId, d.services);
    this.replaceTags(d.incidentId, d.tags);
  }

  private replaceServices(incidentId: string, services: readonly string[]): void {
    this.services.set(
      incidentId,
      [...new Set(services)].map((service) => ({ incidentId, service })),
    );
  }

  private replaceTags(incidentId: string, tags: readonly string[]): void {
    this.tags.set(
      incidentId,
      [...new Set(tags)].map((tag) => ({ incidentId, tag })),
    );
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
