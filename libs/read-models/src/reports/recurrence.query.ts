import type { FactorCategory } from '@kb/domain';
import type { ReadModelQueryable } from '../query-arguments';
import { factsFilterConditions, integerOf, runReportSql, type SqlParameters } from './facts-filter';
import { checkPeriodInput } from './report-arguments';
import type { PeriodInput, RecurrenceCluster, RecurrenceReport } from './report-types';

export { RECURRENCE_WINDOW_MS } from './facts/recurrence-pairs';
/** At most this many clusters are returned (the largest; see recurrence()). */
export const MAX_RECURRENCE_CLUSTERS = 50;

/**
 * The contract's recurrence over the incidents started in [from, to) that match the filter (the
 * IncidentFilter of the incident list: empty lists are no constraint).
 *
 * An incident of the period RECURS when
 * - it has a RECURRENCE_OF link (the domain accepts one only to an incident that started earlier), or
 * - another incident started at most 90 days before it (exactly 90 days counts; the same instant does
 *   not) shares a service AND a factor category with it: the same (service, category) pair. That
 *   earlier incident may be from before the period and need not match the filter: the filter picks
 *   the incidents reported on, not what they recur from.
 * Factor categories are those of the facts: of non-retracted TRIGGER or CONTRIBUTING_FACTOR findings.
 *
 * recurrences = incidents of the period that recur; repeatRate = recurrences / incidents (0 when 0).
 *
 * A CLUSTER is a (service, category) pair through which at least one incident of the period recurs
 * (an earlier incident within 90 days has that same pair); its incidents are all the period's
 * (filtered) incidents having that service and that category, oldest first (startedAt, then id).
 * A link alone makes no cluster. Clusters are ordered by size (descending), then service, then
 * category; at most MAX_RECURRENCE_CLUSTERS (50) are returned, the rest are left out.
 *
 * The incident-facts projection keeps whether each incident and each of its pairs recurs
 * (recurrence-pairs.ts), so this is two statements over ranges of two indexes: the counts with every
 * cluster of the period, and the incidents of the clusters returned (a third only should two pairs'
 * keys collide).
 */
export async function recurrence(
  queryable: ReadModelQueryable,
  input: PeriodInput,
  /** clusterIncidents: false leaves each cluster's incidentIds null and skips their statement. */
  options: { readonly clusterIncidents?: boolean } = {},
): Promise<RecurrenceReport> {
  const period = checkPeriodInput(input);
  const parameters: SqlParameters = {
    from: period.from,
    to: period.to,
    fromMs: period.fromMs,
    toMs: period.toMs,
  };
  const filter = factsFilterConditions(period.filter, 'f', parameters);
  const inPeriod = `f.started_at >= :from AND f.started_at < :to${filter.map((c) => ` AND ${c}`).join('')}`;
  // The pairs of the period's incidents; with a filter, only those of the incidents it keeps.
  const pairsInPeriod = `p.started_at_ms >= :fromMs AND p.started_at_ms < :toMs${
    filter.length > 0
      ? ` AND p.incident_id IN (SELECT f.incident_id FROM incident_facts f WHERE ${inPeriod})`
      : ''
  }`;
  // Clusters grouped by pair_key (a number standing for the pair: integers group faster than two
  // texts), named from incident_fact_recurrence_pair_names. Should two pairs ever share a key, its
  // name comes back twice and the clusters are grouped by the texts instead.
  const clustersByKey = `SELECT 'cluster' AS what, n.service, n.category, c.incidents, NULL AS recurrences, c.pair_key
    FROM (SELECT p.pair_key, COUNT(*) AS incidents FROM incident_fact_recurrence_pairs p WHERE ${pairsInPeriod}
      GROUP BY p.pair_key HAVING SUM(CASE WHEN p.recurs THEN 1 ELSE 0 END) > 0) c
    JOIN incident_fact_recurrence_pair_names n ON n.pair_key = c.pair_key`;
  const clustersByName = `SELECT 'cluster' AS what, p.service, p.category, COUNT(*) AS incidents,
      NULL AS recurrences, NULL AS pair_key
    FROM incident_fact_recurrence_pairs p WHERE ${pairsInPeriod}
    GROUP BY p.service, p.category HAVING SUM(CASE WHEN p.recurs THEN 1 ELSE 0 END) > 0`;
  let rows = await runReportSql<Record<string, unknown>>(
    queryable,
    `SELECT 'count' AS what, NULL AS service, NULL AS category,
      COUNT(*) AS incidents, SUM(CASE WHEN f.recurs THEN 1 ELSE 0 END) AS recurrences, NULL AS pair_key
    FROM incident_facts f WHERE ${inPeriod}
    UNION ALL
    ${clustersByKey}`,
    parameters,
  );
  const keys = rows.filter((row) => row.what === 'cluster').map((row) => String(row.pair_key));
  if (new Set(keys).size !== keys.length)
    rows = [
      ...rows.filter((row) => row.what === 'count'),
      ...(await runReportSql<Record<string, unknown>>(queryable, clustersByName, parameters)),
    ];
  let incidents = 0;
  let recurrences = 0;
  const clusters: Array<{ service: string; category: FactorCategory; size: number }> = [];
  for (const row of rows) {
    if (row.what === 'count') {
      incidents = integerOf(row.incidents);
      recurrences = integerOf(row.recurrences ?? 0);
    } else
      clusters.push({
        service: String(row.service),
        category: String(row.category) as FactorCategory,
        size: integerOf(row.incidents),
      });
  }
  clusters.sort(
    (a, b) =>
      b.size - a.size ||
      (a.service < b.service ? -1 : a.service > b.service ? 1 : 0) ||
      (a.category < b.category ? -1 : a.category > b.category ? 1 : 0),
  );
  const shown = clusters.slice(0, MAX_RECURRENCE_CLUSTERS);
  return {
    incidents,
    recurrences,
    repeatRate: incidents === 0 ? 0 : recurrences / incidents,
    clusters:
      options.clusterIncidents === false
        ? shown.map((c) => ({ service: c.service, category: c.category, incidentIds: null }))
        : await clusterIncidents(queryable, shown, pairsInPeriod, parameters),
  };
}

/** The period's incidents of each cluster, oldest first: one statement for all of them. */
async function clusterIncidents(
  queryable: ReadModelQueryable,
  clusters: ReadonlyArray<{ service: string; category: FactorCategory }>,
  pairsInPeriod: string,
  parameters: SqlParameters,
): Promise<RecurrenceCluster[]> {
  if (clusters.length === 0) return [];
  const keyOf = (service: string, category: string) => JSON.stringify([service, category]);
  const services = [...new Set(clusters.map((c) => c.service))];
  const categories = [...new Set(clusters.map((c) => c.category))];
  const rows = await runReportSql<Record<string, unknown>>(
    queryable,
    `SELECT p.service, p.category, p.incident_id
     FROM incident_fact_recurrence_pairs p
     WHERE p.service IN (:...clusterServices) AND p.category IN (:...clusterCategories) AND ${pairsInPeriod}
     ORDER BY p.started_at_ms, p.incident_id`,
    { ...parameters, clusterServices: services, clusterCategories: categories },
  );
  const ids = new Map<string, string[]>(clusters.map((c) => [keyOf(c.service, c.category), []]));
  for (const row of rows)
    ids.get(keyOf(String(row.service), String(row.category)))?.push(String(row.incident_id));
  return clusters.map((c) => ({
    service: c.service,
    category: c.category,
    incidentIds: ids.get(keyOf(c.service, c.category)) ?? [],
  }));
}
