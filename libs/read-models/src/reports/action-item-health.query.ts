import { CURRENT_VERSION_END } from '../action-item-history/action-item-version.entity';
import { InvalidQueryArgumentError, managerOf, type ReadModelQueryable } from '../query-arguments';
import { compareKeys, integerOf, runReportSql, type SqlParameters } from './facts-filter';
import { reportTime } from './report-arguments';
import {
  ACTION_ITEM_DIMENSIONS,
  type ActionItemDimension,
  type ActionItemHealthInput,
  type ActionItemHealthRow,
} from './report-types';
import { percentileOfSorted } from './statistics';

const DAY_MS = 86_400_000;

/**
 * The contract's actionItemHealth: action items counted by the status each had AT `asOf`, from the
 * versions in action_item_status_history (see ActionItemHistoryProjection for when a version
 * starts). So:
 * - an item opened after asOf counts nowhere; one reopened after asOf counts as DONE or WONT_DO;
 * - priority, owner team and due date are also those of asOf (a due date moved later does not undo
 *   an overdue of the past); the item's incident (its services, its startedAt for from/to) is as it
 *   is now: incidents have no history in the read models;
 * - overdue: OPEN or IN_PROGRESS at asOf with a due date before asOf;
 * - completionRate = done / (open + inProgress + done), 0 when that is 0 (WONT_DO is left out);
 * - medianDaysToClose: median of (completedAt - openedAt) in days over the items DONE at asOf (a
 *   WONT_DO item was not closed by doing it: it is not in the median; an item reopened and done again
 *   counts from its opening to its last completion); null when none is DONE.
 * - from/to: only items of incidents started in [from, to) (either bound may be given alone).
 * Rows: groupBy NONE gives exactly one row (key null), zeros when there is nothing; otherwise one row
 * per key holding any item (SERVICE: an item counts once under each of its incident's services, and
 * not at all when the incident has none), in key order (byte-wise). Never by assignee or anyone.
 *
 * One statement over the versions valid at asOf (see below), with the closing times of the DONE ones
 * per key for the median.
 */
export async function actionItemHealth(
  queryable: ReadModelQueryable,
  input: ActionItemHealthInput,
): Promise<ActionItemHealthRow[]> {
  const asOf = reportTime('input.asOf', input.asOf);
  const from = input.from == null ? null : reportTime('input.from', input.from);
  const to = input.to == null ? null : reportTime('input.to', input.to);
  if (from !== null && to !== null && to <= from)
    throw new InvalidQueryArgumentError(
      'input.to',
      `must be after input.from (the period is [from, to)); got from ${from}, to ${to}.`,
    );
  const groupBy = input.groupBy ?? 'NONE';
  if (!(ACTION_ITEM_DIMENSIONS as readonly string[]).includes(groupBy))
    throw new InvalidQueryArgumentError(
      'input.groupBy',
      `'${String(groupBy)}' is not one of ${ACTION_ITEM_DIMENSIONS.join(', ')}.`,
    );

  const parameters: SqlParameters = { asOf, end: CURRENT_VERSION_END };
  const conditions = ['h.from_at <= :asOf', 'h.to_at > :asOf'];
  if (from !== null) {
    parameters.from = from;
    conditions.push('h.incident_started_at >= :from');
  }
  if (to !== null) {
    parameters.to = to;
    conditions.push('h.incident_started_at < :to');
  }
  const key = keyOf(groupBy);
  const services =
    groupBy === 'SERVICE' ? 'JOIN incident_fact_services s ON s.incident_id = h.incident_id' : '';
  // The versions valid at asOf, in two exact ranges of the (to_at, incident_started_at, ...) index:
  // the current versions (to_at is the end of time: asOf = now, the usual case, reads only these) and
  // those that ended after asOf (none when asOf is now).
  const valid = (
    toAt: string,
  ) => `SELECT ${key ?? 'NULL'} AS group_key, h.status, h.due_date, h.closed_after_ms
    FROM action_item_status_history h ${services}
    WHERE ${toAt} AND ${conditions.join(' AND ')}`;
  const postgres = managerOf(queryable).connection.options.type === 'postgres';
  const closingTimes = `${postgres ? 'json_agg' : 'json_group_array'}(v.closed_after_ms) FILTER (WHERE v.status = 'DONE')`;
  const counts = await runReportSql<Record<string, unknown>>(
    queryable,
    `SELECT v.group_key,
      SUM(CASE WHEN v.status = 'OPEN' THEN 1 ELSE 0 END) AS open_count,
      SUM(CASE WHEN v.status = 'IN_PROGRESS' THEN 1 ELSE 0 END) AS in_progress_count,
      SUM(CASE WHEN v.status = 'DONE' THEN 1 ELSE 0 END) AS done_count,
      SUM(CASE WHEN v.status = 'WONT_DO' THEN 1 ELSE 0 END) AS wont_do_count,
      SUM(CASE WHEN v.status IN ('OPEN', 'IN_PROGRESS') AND v.due_date < :asOf THEN 1 ELSE 0 END)
        AS overdue_count,
      ${closingTimes} AS closed_after
    FROM (${valid('h.to_at = :end')} UNION ALL ${valid('h.to_at < :end')}) v
    GROUP BY v.group_key`,
    parameters,
  );

  const rows = counts
    .filter((row) => key === null || row.group_key !== null)
    .map((row): ActionItemHealthRow => {
      const open = integerOf(row.open_count ?? 0);
      const inProgress = integerOf(row.in_progress_count ?? 0);
      const done = integerOf(row.done_count ?? 0);
      return {
        key: keyValue(row.group_key),
        open,
        inProgress,
        done,
        wontDo: integerOf(row.wont_do_count ?? 0),
        overdue: integerOf(row.overdue_count ?? 0),
        completionRate: open + inProgress + done === 0 ? 0 : done / (open + inProgress + done),
        medianDaysToClose: percentileOfSorted(sortedMillis(row.closed_after), 1, 2, DAY_MS),
      };
    });
  if (key === null && rows.length === 0) rows.push(emptyRow());
  return rows.sort((a, b) => compareKeys(a.key, b.key));
}

/**
 * The closing times of a group's DONE versions, sorted: a JSON array (SQLite: its text; PostgreSQL:
 * parsed by the driver, or null when the group has none). Whole milliseconds, exact either way.
 */
function sortedMillis(list: unknown): Float64Array {
  const values = (typeof list === 'string' ? JSON.parse(list) : (list ?? [])) as Array<number | string>;
  return Float64Array.from(values, Number).sort();
}

/** The group key of a version row `h` (with `s` the incident's services for SERVICE); null for NONE. */
function keyOf(dimension: ActionItemDimension): string | null {
  switch (dimension) {
    case 'NONE':
      return null;
    case 'OWNER_TEAM':
      return 'h.owner_team';
    case 'PRIORITY':
      return 'h.priority';
    case 'TYPE':
      return 'h.type';
    case 'SERVICE':
      return 's.service';
  }
}

function keyValue(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function emptyRow(): ActionItemHealthRow {
  return {
    key: null,
    open: 0,
    inProgress: 0,
    done: 0,
    wontDo: 0,
    overdue: 0,
    completionRate: 0,
    medianDaysToClose: null,
  };
}
