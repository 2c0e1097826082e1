import { distinctIds, groupBy, managerOf, whereIdIn, type ReadModelQueryable } from '../query-arguments';
import { ActionItemRow } from './action-item.entity';

/** Action items by id (DataLoader): one statement for any number of ids; unknown ids are left out. */
export async function actionItemsByIds(
  queryable: ReadModelQueryable,
  ids: readonly string[],
): Promise<Map<string, ActionItemRow>> {
  const keys = distinctIds('ids', ids);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(ActionItemRow, 'a'),
    'a.id',
    keys,
  ).getMany();
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Each incident's action items, oldest first (openedAt, then id), in one statement; every requested
 * incident id has a group, empty when it has none.
 */
export async function actionItemsByIncidentIds(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
): Promise<Map<string, ActionItemRow[]>> {
  const keys = distinctIds('incidentIds', incidentIds);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(ActionItemRow, 'a'),
    'a.incident_id',
    keys,
  )
    .orderBy('a.incident_id')
    .addOrderBy('a.opened_at')
    .addOrderBy('a.id')
    .getMany();
  return groupBy(keys, rows, (row) => row.incidentId);
}
