import type { DataSource, EntityManager } from 'typeorm';
import { ActionItemRow } from '../action-item/action-item.entity';
import {
  FindingRow,
  IncidentLinkRow,
  IncidentRow,
  IncidentServiceRow,
  IncidentTagRow,
  TimelineEntryRow,
} from '../incident/incident.entity';

/*
 * Read-model rows written straight into the tables, for query tests that need exact times, ids and
 * many rows (the projections have their own tests). Defaults are a plain OPEN SEV2 incident.
 */

type Target = DataSource | EntityManager;
const managerOf = (target: Target): EntityManager => ('manager' in target ? target.manager : target);

export type IncidentSeed = Partial<IncidentRow> & Pick<IncidentRow, 'id' | 'startedAt'>;

export async function insertIncident(target: Target, seed: IncidentSeed): Promise<IncidentRow> {
  const row: IncidentRow = {
    revision: 0,
    title: `Incident ${seed.id}`,
    summary: null,
    kind: 'INCIDENT',
    severity: 'SEV2',
    status: 'OPEN',
    services: ['checkout'],
    tags: [],
    detectionSource: 'MONITORING_ALERT',
    detectedAt: null,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    closedAt: null,
    reportedAt: seed.startedAt,
    updatedAt: seed.startedAt,
    postmortemSummary: null,
    postmortemDueAt: null,
    postmortemOverdueFor: null,
    postmortemImpact: null,
    postmortemPublishedAt: null,
    experimentHypothesis: null,
    experimentSteadyState: null,
    experimentBlastRadius: null,
    experimentAbortConditions: null,
    experimentPlannedFor: null,
    experimentOutcome: null,
    experimentObservations: null,
    experimentConcludedAt: null,
    ...seed,
  };
  const manager = managerOf(target);
  await manager.insert(IncidentRow, row);
  for (const service of row.services)
    await manager.insert(IncidentServiceRow, { incidentId: row.id, service });
  for (const tag of row.tags) await manager.insert(IncidentTagRow, { incidentId: row.id, tag });
  return row;
}

export type FindingSeed = Partial<FindingRow> & Pick<FindingRow, 'id' | 'incidentId'>;

export async function insertFinding(target: Target, seed: FindingSeed): Promise<FindingRow> {
  const row: FindingRow = {
    streamRevision: 1,
    kind: 'TRIGGER',
    category: 'CONFIG_CHANGE',
    description: `Finding ${seed.id}`,
    retracted: false,
    recordedAt: '2026-03-01T12:00:00.000Z',
    ...seed,
  };
  await managerOf(target).insert(FindingRow, row);
  return row;
}

export type TimelineEntrySeed = Partial<TimelineEntryRow> &
  Pick<TimelineEntryRow, 'id' | 'incidentId' | 'at'>;

export async function insertTimelineEntry(
  target: Target,
  seed: TimelineEntrySeed,
): Promise<TimelineEntryRow> {
  const row: TimelineEntryRow = { streamRevision: 1, text: `Entry ${seed.id}`, ...seed };
  await managerOf(target).insert(TimelineEntryRow, row);
  return row;
}

export async function insertLink(target: Target, row: IncidentLinkRow): Promise<IncidentLinkRow> {
  await managerOf(target).insert(IncidentLinkRow, row);
  return row;
}

export type ActionItemSeed = Partial<ActionItemRow> & Pick<ActionItemRow, 'id' | 'incidentId' | 'openedAt'>;

export async function insertActionItem(target: Target, seed: ActionItemSeed): Promise<ActionItemRow> {
  const row: ActionItemRow = {
    revision: 0,
    findingId: null,
    title: `Action item ${seed.id}`,
    description: null,
    type: 'PREVENT',
    priority: 'P2',
    ownerTeam: 'team-payments',
    assignee: null,
    dueDate: null,
    status: 'OPEN',
    completedAt: null,
    overdueFor: null,
    updatedAt: seed.openedAt,
    ...seed,
  };
  await managerOf(target).insert(ActionItemRow, row);
  return row;
}

/** `2026-03-01T00:00:00.000Z` plus `minutes`: distinct, ordered times for seeds. */
export function minutesAfterStart(minutes: number): string {
  return new Date(Date.parse('2026-03-01T00:00:00.000Z') + minutes * 60_000).toISOString();
}
