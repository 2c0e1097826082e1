import type { EntityManager } from 'typeorm';
import { CAUSAL_FINDING_KINDS, type IncidentRevised, type Milestone } from '@kb/domain';
import {
  isIncidentEvent,
  type ProjectedEvent,
  type ProjectedIncidentEvent,
} from '../projector/projected-event';
import type { Projection } from '../projector/projection';
import { isoTime } from '../read-model-time';
import {
  IncidentFactFactorCategoryRow,
  IncidentFactFindingRow,
  IncidentFactRecurrenceLinkRow,
  IncidentFactRow,
  IncidentFactServiceRow,
  IncidentFactTagRow,
} from './incident-fact.entity';

const MILESTONE_COLUMNS = {
  DETECTED: 'detectedAtMs',
  ACKNOWLEDGED: 'acknowledgedAtMs',
  MITIGATED: 'mitigatedAtMs',
  RESOLVED: 'resolvedAtMs',
} as const satisfies Record<Milestone, keyof IncidentFactRow>;

type Event<Type extends ProjectedIncidentEvent['type']> = Extract<ProjectedIncidentEvent, { type: Type }>;
type Times = Pick<
  IncidentFactRow,
  'startedAtMs' | 'detectedAtMs' | 'acknowledgedAtMs' | 'mitigatedAtMs' | 'resolvedAtMs'
>;
/** The child tables that repeat the incident's started_at. */
const DATED_CHILDREN = [IncidentFactServiceRow, IncidentFactTagRow, IncidentFactFactorCategoryRow];

/**
 * The incident fact table and its dimension tables, for the analytics queries. Like the incident
 * projection, an event is applied only when its revision is above the fact row's, and child rows are
 * replaced or upserted, so redelivery and rebuilds give the same rows; nothing comes from the clock.
 */
export class IncidentFactsProjection implements Projection {
  readonly name = 'incident-facts';
  readonly tables = [
    'incident_fact_recurrence_links',
    'incident_fact_findings',
    'incident_fact_factor_categories',
    'incident_fact_tags',
    'incident_fact_services',
    'incident_facts',
  ];

  async apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    if (!isIncidentEvent(event)) return;
    if (event.type === 'IncidentReported') return reported(manager, event);
    const fact = await manager.findOneBy(IncidentFactRow, { incidentId: event.data.incidentId });
    // No report before it (a truncated stream): nothing to attach the event to.
    if (!fact || fact.revision >= event.revision) return;
    let changes: Partial<IncidentFactRow> = {};
    switch (event.type) {
      case 'IncidentRevised':
        changes = await revised(manager, fact, event.data.changes);
        break;
      case 'MilestoneRecorded':
        changes = withDurations(fact, { [MILESTONE_COLUMNS[event.data.milestone]]: epochMs(event.data.at) });
        break;
      case 'IncidentStatusChanged':
        changes = { status: event.data.to };
        break;
      case 'IncidentReopened':
        changes = { status: 'OPEN' };
        break;
      case 'FindingRecorded':
        await manager.upsert(
          IncidentFactFindingRow,
          {
            findingId: event.data.findingId,
            incidentId: fact.incidentId,
            kind: event.data.kind,
            category: event.data.category,
            retracted: false,
          },
          ['findingId'],
        );
        changes = await refreshFactorCategories(manager, fact);
        break;
      case 'FindingRevised': {
        const { kind, category } = event.data.changes;
        const finding: Partial<IncidentFactFindingRow> = {};
        if (kind !== undefined) finding.kind = kind;
        if (category !== undefined) finding.category = category;
        if (Object.keys(finding).length > 0)
          await manager.update(IncidentFactFindingRow, { findingId: event.data.findingId }, finding);
        changes = await refreshFactorCategories(manager, fact);
        break;
      }
      case 'FindingRetracted':
        await manager.update(
          IncidentFactFindingRow,
          { findingId: event.data.findingId },
          { retracted: true },
        );
        changes = await refreshFactorCategories(manager, fact);
        break;
      case 'IncidentsLinked':
        if (event.data.relation === 'RECURRENCE_OF')
          await manager.upsert(
            IncidentFactRecurrenceLinkRow,
            { incidentId: fact.incidentId, relatedIncidentId: event.data.relatedIncidentId },
            ['incidentId', 'relatedIncidentId'],
          );
        break;
      case 'TimelineEntryAdded':
      case 'PostmortemPublished':
        // Neither changes a fact; the status change that follows a postmortem does.
        break;
      default:
        return assertNever(event);
    }
    await manager.update(
      IncidentFactRow,
      { incidentId: fact.incidentId },
      { ...changes, revision: event.revision },
    );
  }
}

async function reported(manager: EntityManager, event: Event<'IncidentReported'>): Promise<void> {
  const d = event.data;
  const existing = await manager.findOneBy(IncidentFactRow, { incidentId: d.incidentId });
  if (existing && existing.revision >= event.revision) return;
  const startedAt = isoTime(d.startedAt);
  const times: Times = {
    startedAtMs: epochMs(startedAt),
    detectedAtMs: d.detectedAt === null ? null : epochMs(d.detectedAt),
    acknowledgedAtMs: null,
    mitigatedAtMs: null,
    resolvedAtMs: null,
  };
  await manager.upsert(
    IncidentFactRow,
    {
      incidentId: d.incidentId,
      revision: event.revision,
      kind: d.kind,
      severity: d.severity,
      status: 'OPEN',
      detectionSource: d.detectionSource,
      startedAt,
      ...times,
      ...durationsOf(times),
      hasCategorisedFinding: false,
    },
    ['incidentId'],
  );
  await replaceServices(manager, d.incidentId, d.services, startedAt);
  await replaceTags(manager, d.incidentId, d.tags, startedAt);
}

async function revised(
  manager: EntityManager,
  fact: IncidentFactRow,
  revision: IncidentRevised['data']['changes'],
): Promise<Partial<IncidentFactRow>> {
  const changes: Partial<IncidentFactRow> = {};
  if (revision.severity !== undefined) changes.severity = revision.severity;
  if (revision.detectionSource !== undefined) changes.detectionSource = revision.detectionSource;
  const startedAt = revision.startedAt === undefined ? fact.startedAt : isoTime(revision.startedAt);
  if (startedAt !== fact.startedAt) {
    Object.assign(changes, { startedAt }, withDurations(fact, { startedAtMs: epochMs(startedAt) }));
    for (const child of DATED_CHILDREN)
      await manager.update(child, { incidentId: fact.incidentId }, { startedAt });
  }
  if (revision.services !== undefined)
    await replaceServices(manager, fact.incidentId, revision.services, startedAt);
  if (revision.tags !== undefined) await replaceTags(manager, fact.incidentId, revision.tags, startedAt);
  return changes;
}

/** The changed times with every duration recomputed from them and the fact's other times. */
function withDurations(fact: IncidentFactRow, changed: Partial<Times>): Partial<IncidentFactRow> {
  const times: Times = {
    startedAtMs: fact.startedAtMs,
    detectedAtMs: fact.detectedAtMs,
    acknowledgedAtMs: fact.acknowledgedAtMs,
    mitigatedAtMs: fact.mitigatedAtMs,
    resolvedAtMs: fact.resolvedAtMs,
    ...changed,
  };
  return { ...changed, ...durationsOf(times) };
}

/** Seconds from startedAt to each milestone (the contract's DurationStats), null while it is missing. */
function durationsOf(times: Times) {
  const since = (ms: number | null) => (ms === null ? null : (ms - times.startedAtMs) / 1000);
  return {
    detectSeconds: since(times.detectedAtMs),
    acknowledgeSeconds: since(times.acknowledgedAtMs),
    mitigateSeconds: since(times.mitigatedAtMs),
    resolveSeconds: since(times.resolvedAtMs),
  };
}

/** Derives the incident's factor categories again from its findings (after any finding event). */
async function refreshFactorCategories(
  manager: EntityManager,
  fact: IncidentFactRow,
): Promise<Partial<IncidentFactRow>> {
  const findings = await manager.findBy(IncidentFactFindingRow, { incidentId: fact.incidentId });
  const categories = new Set(
    findings
      .filter((f) => !f.retracted && CAUSAL_FINDING_KINDS.includes(f.kind))
      .flatMap((f) => (f.category === null ? [] : [f.category])),
  );
  await manager.delete(IncidentFactFactorCategoryRow, { incidentId: fact.incidentId });
  const rows = [...categories].map((category) => ({
    incidentId: fact.incidentId,
    category,
    startedAt: fact.startedAt,
  }));
  if (rows.length > 0) await manager.insert(IncidentFactFactorCategoryRow, rows);
  return { hasCategorisedFinding: rows.length > 0 };
}

async function replaceServices(
  manager: EntityManager,
  incidentId: string,
  services: readonly string[],
  startedAt: string,
): Promise<void> {
  await manager.delete(IncidentFactServiceRow, { incidentId });
  const rows = [...new Set(services)].map((service) => ({ incidentId, service, startedAt }));
  if (rows.length > 0) await manager.insert(IncidentFactServiceRow, rows);
}

async function replaceTags(
  manager: EntityManager,
  incidentId: string,
  tags: readonly string[],
  startedAt: string,
): Promise<void> {
  await manager.delete(IncidentFactTagRow, { incidentId });
  const rows = [...new Set(tags)].map((tag) => ({ incidentId, tag, startedAt }));
  if (rows.length > 0) await manager.insert(IncidentFactTagRow, rows);
}

function epochMs(time: string): number {
  return Date.parse(isoTime(time));
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
