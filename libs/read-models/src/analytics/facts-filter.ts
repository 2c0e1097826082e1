import { managerOf, type ReadModelQueryable } from '../query-arguments';
import type { FactsFilter } from './report-arguments';
import type { TrendDimension } from './report-types';

/*
 * The checked IncidentFilter of a report (FactsFilter, see report-arguments.ts) as SQL on the
 * incident fact tables, and how a report statement runs on either database.
 */

/** Named parameters of a report statement (`:name`, `:...list`), bound by the driver. */
export type SqlParameters = Record<string, string | number | readonly string[]>;

/**
 * The filter as SQL conditions on the incident_facts row `alias` (to AND together), adding their
 * parameters (named `filter_*`) to `parameters`. Multi-valued fields are EXISTS on the dimension
 * tables' primary keys (incident_id, value).
 */
export function factsFilterConditions(
  filter: FactsFilter,
  alias: string,
  parameters: SqlParameters,
): string[] {
  const conditions: string[] = [];
  const oneOf = (column: string, name: string, values: readonly string[] | null) => {
    if (!values) return;
    parameters[name] = values;
    conditions.push(`${alias}.${column} IN (:...${name})`);
  };
  oneOf('kind', 'filter_kinds', filter.kinds);
  oneOf('severity', 'filter_severities', filter.severities);
  oneOf('status', 'filter_statuses', filter.statuses);
  oneOf('detection_source', 'filter_sources', filter.detectionSources);
  const anyOf = (table: string, column: string, name: string, values: readonly string[] | null) => {
    if (!values) return;
    parameters[name] = values;
    conditions.push(
      `EXISTS (SELECT 1 FROM ${table} x WHERE x.incident_id = ${alias}.incident_id AND x.${column} IN (:...${name}))`,
    );
  };
  anyOf('incident_fact_services', 'service', 'filter_services', filter.services);
  anyOf('incident_fact_tags', 'tag', 'filter_tags', filter.tags);
  anyOf('incident_fact_factor_categories', 'category', 'filter_categories', filter.factorCategories);
  if (filter.startedFrom !== null) {
    parameters.filter_started_from = filter.startedFrom;
    conditions.push(`${alias}.started_at >= :filter_started_from`);
  }
  if (filter.startedTo !== null) {
    parameters.filter_started_to = filter.startedTo;
    conditions.push(`${alias}.started_at < :filter_started_to`);
  }
  return conditions;
}

/**
 * Runs one report statement written with named parameters: the driver turns them into its own
 * placeholders (`$1` in PostgreSQL, `?` in SQLite) and expands `:...list`.
 */
export function runReportSql<Row>(
  queryable: ReadModelQueryable,
  sql: string,
  parameters: SqlParameters,
): Promise<Row[]> {
  const manager = managerOf(queryable);
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  return manager.query(query, values);
}

/** A COUNT or BIGINT from either driver (PostgreSQL hands them back as strings). */
export function integerOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * How a report groups the incident_facts row `f` by a dimension: the join (if any) and the key
 * expression. A multi-valued dimension (SERVICE, TAG, FACTOR_CATEGORY) joins its table, whose primary
 * key is (incident_id, value): an incident is one row under each of its values, so it counts once
 * under each, and not at all when it has none. Null for NONE.
 */
export function groupOf(dimension: TrendDimension): { readonly join: string; readonly key: string | null } {
  const joinOf = (table: string, column: string) => ({
    join: `JOIN ${table} g ON g.incident_id = f.incident_id`,
    key: `g.${column}`,
  });
  switch (dimension) {
    case 'NONE':
      return { join: '', key: null };
    case 'SERVICE':
      return joinOf('incident_fact_services', 'service');
    case 'TAG':
      return joinOf('incident_fact_tags', 'tag');
    case 'FACTOR_CATEGORY':
      return joinOf('incident_fact_factor_categories', 'category');
    case 'SEVERITY':
      return { join: '', key: 'f.severity' };
    case 'KIND':
      return { join: '', key: 'f.kind' };
    case 'DETECTION_SOURCE':
      return { join: '', key: 'f.detection_source' };
  }
}

/** Order of group keys (JavaScript string order), the same whichever database they came from. */
export function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
