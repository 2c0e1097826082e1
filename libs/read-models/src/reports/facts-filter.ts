import { managerOf, type ReadModelQueryable } from '../query-arguments';
import { readRows } from '../sqlite-reads/sqlite-read-pool';
import type { FactsFilter } from './report-arguments';
import type { TrendDimension } from './report-types';

/*
 * The checked IncidentFilter of a report (FactsFilter, see report-arguments.ts) as SQL on the
 * incident fact tables, and how a report statement runs on either database.
 */

/** Named parameters of a report statement (`:name`, `:...list`), bound by the driver. */
export type SqlParameters = Record<string, string | number | readonly string[]>;

/** Where a statement finds the columns a filter needs. */
export interface FilterColumns {
  /** Alias of incident_facts; null when the statement has no fact row (then no fact-column filter). */
  readonly facts: string | null;
  /** Alias whose incident_id the dimension EXISTS clauses match. */
  readonly incident: string;
  /** The started_at column to bound with startedFrom / startedTo. */
  readonly startedAt: string;
  /**
   * The statement's period as parameter names (`from`, `to`): a dimension filter then reads the
   * incidents of that dimension value in the period from the table's (value, started_at) index
   * (`incident_id IN (...)`) instead of probing every incident (EXISTS).
   */
  readonly period?: { readonly from: string; readonly to: string };
}

/** Whether the filter constrains a column only incident_facts has (kind, severity, status, source). */
export function filtersFactColumns(filter: FactsFilter): boolean {
  return (
    filter.kinds !== null ||
    filter.severities !== null ||
    filter.statuses !== null ||
    filter.detectionSources !== null
  );
}

/**
 * The filter as SQL conditions (to AND together), adding their parameters (named `filter_*`) to
 * `parameters`. Multi-valued fields are EXISTS on the dimension tables' primary keys
 * (incident_id, value).
 */
export function factsFilterConditions(
  filter: FactsFilter,
  /** FilterColumns, or the alias of incident_facts when the statement reads that table alone. */
  on: FilterColumns | string,
  parameters: SqlParameters,
): string[] {
  const columns = typeof on === 'string' ? { facts: on, incident: on, startedAt: `${on}.started_at` } : on;
  const conditions: string[] = [];
  const oneOf = (column: string, name: string, values: readonly string[] | null) => {
    if (!values) return;
    if (columns.facts === null) throw new Error(`Filtering on ${column} needs the incident_facts row.`);
    parameters[name] = values;
    conditions.push(`${columns.facts}.${column} IN (:...${name})`);
  };
  oneOf('kind', 'filter_kinds', filter.kinds);
  oneOf('severity', 'filter_severities', filter.severities);
  oneOf('status', 'filter_statuses', filter.statuses);
  oneOf('detection_source', 'filter_sources', filter.detectionSources);
  const anyOf = (table: string, column: string, name: string, values: readonly string[] | null) => {
    if (!values) return;
    parameters[name] = values;
    const period = columns.period;
    conditions.push(
      period
        ? `${columns.incident}.incident_id IN (SELECT x.incident_id FROM ${table} x WHERE x.${column} IN (:...${name})
            AND x.started_at >= :${period.from} AND x.started_at < :${period.to})`
        : `EXISTS (SELECT 1 FROM ${table} x WHERE x.incident_id = ${columns.incident}.incident_id AND x.${column} IN (:...${name}))`,
    );
  };
  anyOf('incident_fact_services', 'service', 'filter_services', filter.services);
  anyOf('incident_fact_tags', 'tag', 'filter_tags', filter.tags);
  anyOf('incident_fact_factor_categories', 'category', 'filter_categories', filter.factorCategories);
  if (filter.startedFrom !== null) {
    parameters.filter_started_from = filter.startedFrom;
    conditions.push(`${columns.startedAt} >= :filter_started_from`);
  }
  if (filter.startedTo !== null) {
    parameters.filter_started_to = filter.startedTo;
    conditions.push(`${columns.startedAt} < :filter_started_to`);
  }
  return conditions;
}

const DIMENSION_TABLES: Partial<Record<TrendDimension, readonly [table: string, column: string]>> = {
  SERVICE: ['incident_fact_services', 'service'],
  TAG: ['incident_fact_tags', 'tag'],
  FACTOR_CATEGORY: ['incident_fact_factor_categories', 'category'],
};
const FACT_DIMENSIONS: Partial<Record<TrendDimension, string>> = {
  SEVERITY: 'f.severity',
  KIND: 'f.kind',
  DETECTION_SOURCE: 'f.detection_source',
};

/** The rows a report statement reads: its FROM, the started_at to bucket on, the key, the WHERE. */
export interface ReportSource {
  readonly from: string;
  readonly startedAt: string;
  /** The same instant as epoch milliseconds (DAY and WEEK buckets are computed from it). */
  readonly startedAtMs: string;
  /** The group key expression; null for NONE. */
  readonly key: string | null;
  readonly conditions: readonly string[];
}

/**
 * The rows of the incidents started in [`:${period.from}`, `:${period.to}`) that match the filter,
 * one per incident, or with a multi-valued dimension (SERVICE, TAG, FACTOR_CATEGORY) one per incident
 * and value: that table's primary key is (incident_id, value), so an incident counts once under each
 * of its values and nowhere when it has none.
 *
 * A multi-valued dimension reads its own table alone (it repeats started_at: one range of its
 * report index) unless the statement reads fact columns (`readsFacts`) or the filter constrains one;
 * then the period is a range of incident_facts' report index, joined to the dimension table by its
 * primary key. `f` is incident_facts, `g` the dimension table.
 */
export function reportSource(options: {
  readonly dimension: TrendDimension;
  readonly filter: FactsFilter;
  readonly readsFacts: boolean;
  readonly period: { readonly from: string; readonly to: string };
  readonly parameters: SqlParameters;
}): ReportSource {
  const { dimension, filter, period, parameters } = options;
  const table = DIMENSION_TABLES[dimension];
  const range = (column: string) => [`${column} >= :${period.from}`, `${column} < :${period.to}`];
  if (!table) {
    const columns = { facts: 'f', incident: 'f', startedAt: 'f.started_at', period };
    return {
      from: 'incident_facts f',
      startedAt: columns.startedAt,
      startedAtMs: 'f.started_at_ms',
      key: FACT_DIMENSIONS[dimension] ?? null,
      conditions: [...range('f.started_at'), ...factsFilterConditions(filter, columns, parameters)],
    };
  }
  const [name, column] = table;
  if (options.readsFacts || filtersFactColumns(filter)) {
    const columns = { facts: 'f', incident: 'f', startedAt: 'f.started_at', period };
    return {
      from: `incident_facts f JOIN ${name} g ON g.incident_id = f.incident_id`,
      startedAt: columns.startedAt,
      startedAtMs: 'f.started_at_ms',
      key: `g.${column}`,
      conditions: [...range('f.started_at'), ...factsFilterConditions(filter, columns, parameters)],
    };
  }
  const columns = { facts: null, incident: 'g', startedAt: 'g.started_at', period };
  return {
    from: `${name} g`,
    startedAt: columns.startedAt,
    startedAtMs: 'g.started_at_ms',
    key: `g.${column}`,
    conditions: [...range('g.started_at'), ...factsFilterConditions(filter, columns, parameters)],
  };
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
  return readRows<Row>(manager, query, values);
}

/** A COUNT or BIGINT from either driver (PostgreSQL hands them back as strings). */
export function integerOf(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Order of group keys (JavaScript string order), the same whichever database they came from. */
export function compareKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
