import type { IncidentKind, IncidentStatus, Severity } from '@kb/domain';
import { ActionItemRow } from '../action-item/action-item.entity';
import { OPEN_ACTION_ITEM_STATUSES } from '../action-item/action-item-list.query';
import { IncidentRow } from '../incident/incident.entity';
import { managerOf, type ReadModelQueryable } from '../query-arguments';

/** Incidents not resolved yet. */
export const UNRESOLVED_INCIDENT_STATUSES: readonly IncidentStatus[] = ['OPEN', 'MITIGATED'];

/** The postmortem policy's scope (the contract's "major incidents"): kind INCIDENT, SEV1 or SEV2. */
export const POSTMORTEM_SEVERITIES: readonly Severity[] = ['SEV1', 'SEV2'];

/** What teams alert on, counted now: never per person (no assignee, no actor). */
export interface AlertingCounts {
  readonly unresolvedIncidents: ReadonlyArray<{ severity: Severity; kind: IncidentKind; count: number }>;
  /** Overdue as the contract's ActionItem.overdue: due date before `now`, OPEN or IN_PROGRESS. */
  readonly overdueActionItems: ReadonlyArray<{ ownerTeam: string; count: number }>;
  /**
   * Incidents whose postmortem deadline (postmortemDueAt, set by the postmortem policy) is before
   * `now`, with no postmortem published: what the deadline watcher reminds of.
   */
  readonly overduePostmortems: ReadonlyArray<{ severity: Severity; count: number }>;
}

/** Three grouped counts; only groups with a count above zero are returned. */
export async function alertingCounts(queryable: ReadModelQueryable, now: Date): Promise<AlertingCounts> {
  const manager = managerOf(queryable);
  const nowText = now.toISOString();
  const [incidents, actionItems, postmortems] = await Promise.all([
    manager
      .createQueryBuilder(IncidentRow, 'i')
      .select('i.severity', 'severity')
      .addSelect('i.kind', 'kind')
      .addSelect('COUNT(*)', 'count')
      .where('i.status IN (:...statuses)', { statuses: [...UNRESOLVED_INCIDENT_STATUSES] })
      .groupBy('i.severity')
      .addGroupBy('i.kind')
      .getRawMany<{ severity: Severity; kind: IncidentKind; count: string | number }>(),
    manager
      .createQueryBuilder(ActionItemRow, 'a')
      .select('a.owner_team', 'ownerTeam')
      .addSelect('COUNT(*)', 'count')
      .where('a.due_date IS NOT NULL AND a.due_date < :now AND a.status IN (:...statuses)', {
        now: nowText,
        statuses: [...OPEN_ACTION_ITEM_STATUSES],
      })
      .groupBy('a.owner_team')
      .getRawMany<{ ownerTeam: string; count: string | number }>(),
    manager
      .createQueryBuilder(IncidentRow, 'i')
      .select('i.severity', 'severity')
      .addSelect('COUNT(*)', 'count')
      .where('i.postmortem_due_at IS NOT NULL AND i.postmortem_due_at < :now', { now: nowText })
      .andWhere('i.postmortem_published_at IS NULL')
      .groupBy('i.severity')
      .getRawMany<{ severity: Severity; count: string | number }>(),
  ]);
  return {
    unresolvedIncidents: incidents.map((row) => ({ ...row, count: Number(row.count) })),
    overdueActionItems: actionItems.map((row) => ({ ...row, count: Number(row.count) })),
    overduePostmortems: postmortems.map((row) => ({ ...row, count: Number(row.count) })),
  };
}
