import type { FactorCategory } from '@kb/domain';
import type { ReadModelQueryable } from '../query-arguments';
import { factsFilterConditions, integerOf, runReportSql, type SqlParameters } from './facts-filter';
import { checkPeriodInput } from './report-arguments';
import type { PeriodInput, RecurrenceCluster, RecurrenceReport } from './report-types';

/** How far back an earlier incident makes a later one recur: 90 days, inclusive, in milliseconds. */
export const RECURRENCE_WINDOW_MS = 90 * 86_400_000;
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
 * Two statements: the counts with the recurring pairs (a window over the pairs of [from - 90 days,
 * to)), and the incidents of the returned clusters.
 */
export async function recurrence(
  queryable: ReadModelQueryable,
  input: PeriodInput,
): Promise<RecurrenceReport> {
  const period = checkPeriodInput(input);
  const parameters: SqlParameters = {
    from: period.from,
    to: period.to,
    windowFrom: new Date(period.fromMs - RECURRENCE_WINDOW_MS).toISOString(),
  };
  const filter = factsFilterConditions(period.filter, 'f', parameters);
  const inPeriod = `SELECT f.incident_id FROM incident_facts f
    WHERE f.started_at >= :from AND f.started_at < :to${filter.map((c) => ` AND ${c}`).join('')}`;
  // Every (service, category) pair of the incidents started in [from - 90 days, to), with how many
  // incidents of the same pair started in the 90 days before (strictly earlier).
  const pairs = `SELECT f.incident_id, s.service, c.category, f.started_at_ms,
      COUNT(*) OVER (PARTITION BY s.service, c.category ORDER BY f.started_at_ms
        RANGE BETWEEN ${RECURRENCE_WINDOW_MS} PRECEDING AND 1 PRECEDING) AS earlier
    FROM incident_facts f
    JOIN incident_fact_services s ON s.incident_id = f.incident_id
    JOIN incident_fact_factor_categories c ON c.incident_id = f.incident_id
    WHERE f.started_at >= :windowFrom AND f.started_at < :to`;
  // period_pairs: the pairs of the period's incidents; a cluster is a pair with an earlier > 0.
  const sql = `WITH period AS (${inPeriod}),
    pairs AS (${pairs}),
    period_pairs AS (
      SELECT p.incident_id, p.service, p.category, p.earlier FROM pairs p JOIN period USING (incident_id))
    SELECT 'count' AS what, NULL AS service, NULL AS category,
      (SELECT COUNT(*) FROM period) AS incidents,
      (SELECT COUNT(*) FROM period WHERE
        incident_id IN (SELECT incident_id FROM period_pairs WHERE earlier > 0)
        OR incident_id IN (SELECT l.incident_id FROM incident_fact_recurrence_links l)) AS recurrences
    UNION ALL
    SELECT 'cluster', service, category, COUNT(*), NULL FROM period_pairs
    GROUP BY service, category HAVING MAX(earlier) > 0`;
  const rows = await runReportSql<Record<string, unknown>>(queryable, sql, parameters);
  let incidents = 0;
  let recurrences = 0;
  const clusters: Array<{ service: string; category: FactorCategory; size: number }> = [];
  for (const row of rows) {
    if (row.what === 'count') {
      incidents = integerOf(row.incidents);
      recurrences = integerOf(row.recurrences);
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
    clusters: await clusterIncidents(queryable, shown, inPeriod, parameters),
  };
}

/** The period's incidents of each cluster, oldest first: one statement for all of them. */
async function clusterIncidents(
  queryable: ReadModelQueryable,
  clusters: ReadonlyArray<{ service: string; category: FactorCategory }>,
  inPeriod: string,
  parameters: SqlParameters,
): Promise<RecurrenceCluster[]> {
  if (clusters.length === 0) return [];
  const keyOf = (service: string, category: string) => JSON.stringify([service, category]);
  const services = [...new Set(clusters.map((c) => c.service))];
  const categories = [...new Set(clusters.map((c) => c.category))];
  const rows = await runReportSql<Record<string, unknown>>(
    queryable,
    `SELECT s.service, c.category, f.incident_id
     FROM incident_facts f
     JOIN incident_fact_services s ON s.incident_id = f.incident_id
     JOIN incident_fact_factor_categories c ON c.incident_id = f.incident_id
     WHERE f.incident_id IN (${inPeriod})
       AND s.service IN (:...clusterServices) AND c.category IN (:...clusterCategories)
     ORDER BY f.started_at, f.incident_id`,
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
