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
 * One statement, so every figure comes from one snapshot: the incidents of the period that have any
 * categorised finding (one row, category NULL: a range of a partial index on incident_facts), then the
 * per-category counts of the period and of the previous period, each a plain grouped count over its
 * own range of the factor-category table (joined to incident_facts only for a filter on its columns);
 * a category's two counts are put together here. Two ranges counted apart cost less than one range
 * twice as long with a CASE per row and period.
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
  const perCategory = (period: { from: string; to: string }, current: boolean) => {
    const source = reportSource({
      dimension: 'FACTOR_CATEGORY',
      filter: args.filter,
      readsFacts: false,
      period,
      parameters,
    });
    return `SELECT ${source.key} AS category, ${current ? 'COUNT(*)' : '0'} AS incidents,
        ${current ? '0' : 'COUNT(*)'} AS previous
      FROM ${source.from}
      WHERE ${source.conditions.join(' AND ')}
      GROUP BY ${source.key}`;
  };
  const sql = `SELECT NULL AS category, COUNT(*) AS incidents, 0 AS previous
      FROM incident_facts f
      WHERE ${withCategory.join(' AND ')}
    UNION ALL
    ${perCategory({ from: 'from', to: 'to' }, true)}
    UNION ALL
    ${perCategory({ from: 'previous_from', to: 'from' }, false)}`;
  const rows = await runReportSql<FactorRow>(queryable, sql, parameters);
  const counts = new Map<FactorCategory, { incidents: number; previous: number }>();
  let categorised = 0;
  for (const row of rows) {
    if (row.category === null) {
      categorised = integerOf(row.incidents);
      continue;
    }
    let count = counts.get(row.category);
    if (!count) counts.set(row.category, (count = { incidents: 0, previous: 0 }));
    count.incidents += integerOf(row.incidents);
    count.previous += integerOf(row.previous);
  }
  return [...counts]
    .map(([category, count]) => ({
      category,
      incidents: count.incidents,
      share: categorised === 0 ? 0 : count.incidents / categorised,
      previousPeriodIncidents: count.previous,
    }))
    .sort(
      (a, b) => b.incidents - a.incidents || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
    );
}
