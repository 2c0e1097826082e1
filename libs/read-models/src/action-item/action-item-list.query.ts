import { ACTION_ITEM_STATUSES, PRIORITIES, type ActionItemStatus, type Priority } from '@kb/domain';
import {
  filterList,
  InvalidQueryArgumentError,
  keysetPage,
  managerOf,
  timeArgument,
  type Connection,
  type ReadModelQueryable,
} from '../query-arguments';
import { ActionItemRow } from './action-item.entity';

/**
 * The contract's ActionItemFilter. Every field narrows the list (AND between fields); a list matches
 * any of its values. Absent, null or an EMPTY list means no constraint on that field. Lists hold at
 * most 100 values.
 */
export interface ActionItemFilter {
  readonly incidentId?: string | null;
  readonly statuses?: readonly ActionItemStatus[] | null;
  readonly ownerTeams?: readonly string[] | null;
  readonly priorities?: readonly Priority[] | null;
  /** true: only overdue items (see isOverdue) at `now`; false: only those that are not; absent: both. */
  readonly overdue?: boolean | null;
}

export interface ListActionItemsArgs {
  readonly filter?: ActionItemFilter | null;
  /** 0..100; absent means 20. */
  readonly first?: number | null;
  /** An edge's cursor or endCursor from an earlier page of this list. */
  readonly after?: string | null;
  /** The instant `overdue` is judged at: the time of the query. */
  readonly now: string | Date;
}

export type ActionItemConnection = Connection<ActionItemRow>;

export const ACTION_ITEM_LIST_CURSOR = 'action-items';

/** Statuses in which a passed due date makes an item overdue. */
export const OPEN_ACTION_ITEM_STATUSES: readonly ActionItemStatus[] = ['OPEN', 'IN_PROGRESS'];

/** The contract's ActionItem.overdue: dueDate is before `now` and the status is OPEN or IN_PROGRESS. */
export function isOverdue(item: Pick<ActionItemRow, 'dueDate' | 'status'>, now: string | Date): boolean {
  return (
    item.dueDate !== null &&
    item.dueDate < timeArgument('now', now) &&
    OPEN_ACTION_ITEM_STATUSES.includes(item.status)
  );
}

/**
 * Action items newest first (openedAt DESC, id DESC), a page at a time, with keyset cursors as in
 * listIncidents. Two statements: the page and the total count of the filter. Throws
 * InvalidQueryArgumentError on a bad `first`, `after`, `now` or filter value.
 */
export async function listActionItems(
  queryable: ReadModelQueryable,
  args: ListActionItemsArgs,
): Promise<ActionItemConnection> {
  const filter = args.filter ?? {};
  const now = timeArgument('now', args.now);
  const statuses = filterList('filter.statuses', filter.statuses, ACTION_ITEM_STATUSES);
  const ownerTeams = filterList('filter.ownerTeams', filter.ownerTeams);
  const priorities = filterList('filter.priorities', filter.priorities, PRIORITIES);
  const { incidentId, overdue } = filter;
  if (
    incidentId !== null &&
    incidentId !== undefined &&
    (typeof incidentId !== 'string' || incidentId === '')
  )
    throw new InvalidQueryArgumentError('filter.incidentId', 'must be a non-empty id.');
  if (overdue !== null && overdue !== undefined && typeof overdue !== 'boolean')
    throw new InvalidQueryArgumentError('filter.overdue', 'must be true, false or absent.');

  const query = managerOf(queryable).createQueryBuilder(ActionItemRow, 'a');
  if (incidentId) query.andWhere('a.incident_id = :incidentId', { incidentId });
  if (statuses) query.andWhere('a.status IN (:...statuses)', { statuses });
  if (ownerTeams) query.andWhere('a.owner_team IN (:...ownerTeams)', { ownerTeams });
  if (priorities) query.andWhere('a.priority IN (:...priorities)', { priorities });
  const overdueNow = 'a.due_date IS NOT NULL AND a.due_date < :now AND a.status IN (:...openStatuses)';
  const openStatuses = [...OPEN_ACTION_ITEM_STATUSES];
  if (overdue === true) query.andWhere(`(${overdueNow})`, { now, openStatuses });
  else if (overdue === false) query.andWhere(`NOT (${overdueNow})`, { now, openStatuses });

  return keysetPage(
    query,
    { time: 'a.opened_at', id: 'a.id' },
    ACTION_ITEM_LIST_CURSOR,
    (row) => ({ time: row.openedAt, id: row.id }),
    args,
  );
}
