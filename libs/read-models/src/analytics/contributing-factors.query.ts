import type { FactorCategory } from '@kb/domain';
import type { ReadModelQueryable } from '../query-arguments';
import { isoOfMs } from './buckets';
import {
  factsFilterConditions,
  integerOf,
  reportSource,
  runReportSql,
  type SqlParameters,
} from './facts-filter';
import { checkPeriodInput } from './report-arguments';
import type { FactorRank, PeriodInput } from './report-types';

interface FactorRow {
  category: FactorCategory | null;
  incidents: number | string;
  previous: number | string;
}

/** The earliest instant a previous period reaches back to (ISO text compares right from here on). */
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z');

/**
 * The contract's contributingFactors: per factor category, the incidents started in [from, to) (and
 * matching the filter) with at least one non-retracted TRIGGER or CONTRIBUTING_FACTOR finding of that
 * category; `share` = those incidents / the incidents of the period with any categorised finding (0
 * when there are none); `previousPeriodIncidents` the same count over [from - (to - from), from), the
 * filter applying there too (its startedFrom / startedTo included). A category appears when it has an
 * incident in either period; ordered by incidents descending, then category.
 *
 * One statement: the per-category counts of both periods (a range of the factor-category table's
 * report index, joined to incident_facts only for a filter on its columns), and one more row
 * (category NULL) with the incidents of the period that have any categorised finding, so both come
 * from one snapshot.
 */
export async function contributingFactors(
  queryable: ReadModelQueryable,
  input: PeriodInput,
): Promise<FactorRank[]> {
  const args = checkPeriodInput(input);
  const previousFrom = isoOfMs(Math.max(EARLIEST_MS, args.fromMs - (args.toMs - args.fromMs)));
  const parameters: SqlParameters = { from: args.from, to: args.to, previous_from: previousFrom };
  const withCategory = [
    'f.started_at >= :from',
    'f.started_at < :to',
    'f.has_categorised_finding',
    ...factsFilterConditions(args.filter, 'f', parameters),
  ];
  const categories = reportSource({
    dimension: 'FACTOR_CATEGORY',
    filter: args.filter,
    readsFacts: false,
    period: { from: 'previous_from', to: 'to' },
    parameters,
  });
  const sql = `SELECT NULL AS category, COUNT(*) AS incidents, 0 AS previous
      FROM incident_facts f
      WHERE ${withCategory.join(' AND ')}
    UNION ALL
    SELECT ${categories.key} AS category,
        SUM(CASE WHEN ${categories.startedAt} >= :from THEN 1 ELSE 0 END) AS incidents,
        SUM(CASE WHEN ${categories.startedAt} < :from THEN 1 ELSE 0 END) AS previous
      FROM ${categories.from}
      WHERE ${categories.conditions.join(' AND ')}
      GROUP BY ${categories.key}`;
  const rows = await runReportSql<FactorRow>(queryable, sql, parameters);
  const categorised = integerOf(rows.find((row) => row.category === null)?.incidents ?? 0);
  return rows
    .filter((row): row is FactorRow & { category: FactorCategory } => row.category !== null)
    .map((row) => {
      const incidents = integerOf(row.incidents);
      return {
        category: row.category,
        incidents,
        share: categorised === 0 ? 0 : incidents / categorised,
        previousPeriodIncidents: integerOf(row.previous),
      };
    })
    .filter((rank) => rank.incidents > 0 || rank.previousPeriodIncidents > 0)
    .sort(
      (a, b) => b.incidents - a.incidents || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
    );
}
