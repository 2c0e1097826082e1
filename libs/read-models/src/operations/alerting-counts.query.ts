import type { IncidentKind, IncidentStatus, Severity } from '@kb/domain';
import { OPEN_ACTION_ITEM_STATUSES } from '../action-item/action-item-list.query';
import { managerOf, type ReadModelQueryable } from '../query-arguments';
import { readRows } from '../sqlite-reads/sqlite-read-pool';

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

/**
 * Three grouped counts; only groups with a count above zero are returned. Read like reports (in a read
 * worker on SQLite files): at 100,000 incidents the overdue counts read tens of thousands of rows
 * (35-120 ms each), which on the main thread held every request for that long at each scrape.
 * The statuses are written as constants, so that the partial index of the migration
 * AlertingCountIndexes serves the overdue postmortems.
 */
export async function alertingCounts(queryable: ReadModelQueryable, now: Date): Promise<AlertingCounts> {
  const manager = managerOf(queryable);
  const p = manager.connection.options.type === 'postgres' ? '$1' : '?';
  const nowText = now.toISOString();
  const [incidents, actionItems, postmortems] = await Promise.all([
    readRows<{ severity: Severity; kind: IncidentKind; count: string | number }>(
      manager,
      `SELECT severity, kind, COUNT(*) AS count FROM incidents
       WHERE status IN (${UNRESOLVED_INCIDENT_STATUSES.map(quoted).join(', ')}) GROUP BY severity, kind`,
      [],
    ),
    readRows<{ ownerTeam: string; count: string | number }>(
      manager,
      `SELECT owner_team AS "ownerTeam", COUNT(*) AS count FROM action_items
       WHERE due_date IS NOT NULL AND due_date < ${p}
         AND status IN (${OPEN_ACTION_ITEM_STATUSES.map(quoted).join(', ')})
       GROUP BY owner_team`,
      [nowText],
    ),
    readRows<{ severity: Severity; count: string | number }>(
      manager,
      `SELECT severity, COUNT(*) AS count FROM incidents
       WHERE postmortem_due_at IS NOT NULL AND postmortem_published_at IS NULL AND postmortem_due_at < ${p}
       GROUP BY severity`,
      [nowText],
    ),
  ]);
  return {
    unresolvedIncidents: incidents.map((row) => ({ ...row, count: Number(row.count) })),
    overdueActionItems: actionItems.map((row) => ({ ...row, count: Number(row.count) })),
    overduePostmortems: postmortems.map((row) => ({ ...row, count: Number(row.count) })),
  };
}

/** A status as an SQL literal (statuses are fixed upper-case words, never input). */
const quoted = (status: string) => `'${status}'`;
