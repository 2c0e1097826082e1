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
  const postgres = manager.connection.options.type === 'postgres';
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
    // Plain SQL: SQLite preferred action_items_status_idx (status, due_date) and sorted what it found
    // (76-100 ms at 100,000 incidents, on the event loop); INDEXED BY makes it read the partial index,
    // and fails loudly if these conditions ever stop matching the index's.
    manager.query<Array<{ id: string }>>(
      `SELECT a.id AS id FROM action_items a${postgres ? '' : ' INDEXED BY action_items_overdue_reminder_idx'}
       WHERE a.due_date IS NOT NULL AND a.status IN ('OPEN', 'IN_PROGRESS')
         AND (a.overdue_for IS NULL OR a.overdue_for <> a.due_date)
         AND a.due_date < ${postgres ? '$1' : '?'}
       ORDER BY a.due_date, a.id LIMIT ${postgres ? '$2' : '?'}`,
      [nowText, limit],
    ),
  ]);
  return { incidentIds: incidents.map((row) => row.id), actionItemIds: actionItems.map((row) => row.id) };
}
