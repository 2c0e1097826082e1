import { ActionItemRow } from '../action-item/action-item.entity';
import { IncidentRow } from '../incident/incident.entity';
import { managerOf, type ReadModelQueryable } from '../query-arguments';

/** The most candidates of each kind one scan of the deadline watcher reads. */
export const MAX_DEADLINE_CANDIDATES = 500;

/**
 * What the deadline watcher may have to remind of, as the read models show it at `now`: incidents
 * whose postmortem deadline passed with none published and no reminder yet, and action items OPEN or
 * IN_PROGRESS past a due date with no reminder for it yet. Earliest deadline first, at most `limit`
 * of each. Only candidates: the watcher decides each from its stream.
 *
 * The conditions are written exactly as the partial indexes of the Deadlines migration are, so both
 * databases read the index range of passed deadlines only (constants, not parameters, for that).
 */
export async function deadlineCandidates(
  queryable: ReadModelQueryable,
  now: Date,
  limit = MAX_DEADLINE_CANDIDATES,
): Promise<{ incidentIds: string[]; actionItemIds: string[] }> {
  const manager = managerOf(queryable);
  const nowText = now.toISOString();
  const [incidents, actionItems] = await Promise.all([
    manager
      .createQueryBuilder(IncidentRow, 'i')
      .select('i.id', 'id')
      .where(
        'i.postmortem_due_at IS NOT NULL AND i.postmortem_published_at IS NULL AND i.postmortem_overdue_for IS NULL',
      )
      .andWhere('i.postmortem_due_at < :now', { now: nowText })
      .orderBy('i.postmortem_due_at')
      .addOrderBy('i.id')
      .limit(limit)
      .getRawMany<{ id: string }>(),
    manager
      .createQueryBuilder(ActionItemRow, 'a')
      .select('a.id', 'id')
      .where(
        "a.due_date IS NOT NULL AND a.status IN ('OPEN', 'IN_PROGRESS') AND (a.overdue_for IS NULL OR a.overdue_for <> a.due_date)",
      )
      .andWhere('a.due_date < :now', { now: nowText })
      .orderBy('a.due_date')
      .addOrderBy('a.id')
      .limit(limit)
      .getRawMany<{ id: string }>(),
  ]);
  return { incidentIds: incidents.map((row) => row.id), actionItemIds: actionItems.map((row) => row.id) };
}
