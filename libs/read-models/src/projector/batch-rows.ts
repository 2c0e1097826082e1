import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';

/**
 * Set-at-a-time reads and writes of entity rows for batch-aware projections: one statement per
 * table and chunk instead of one per row. Values go through the driver exactly as TypeORM's own
 * writes do (simple-json, booleans, column transformers), so the rows are the same either way.
 * Table names are unqualified: the data source's schema is the connection's search_path.
 */

/** Most bound parameters in one statement: SQLite's limit is 32766, PostgreSQL's 65535. */
const MAX_PARAMETERS = { sqlite: 32_766, postgres: 65_535 } as const;

interface Table {
  readonly name: string;
  readonly columns: readonly ColumnMetadata[];
  readonly keys: readonly ColumnMetadata[];
  readonly postgres: boolean;
}

function tableOf(manager: EntityManager, entity: EntityTarget<ObjectLiteral>): Table {
  const metadata = manager.connection.getMetadata(entity);
  return {
    name: metadata.tableName,
    columns: metadata.columns,
    keys: metadata.primaryColumns,
    postgres: manager.connection.options.type === 'postgres',
  };
}

function columnNamed(table: Table, property: string): ColumnMetadata {
  const column = table.columns.find((c) => c.propertyName === property);
  if (!column) throw new Error(`${table.name} has no column for '${property}'.`);
  return column;
}

/** Names as the migrations created them (lower case), quoted: some are keywords (`text`, `at`). */
function quote(name: string): string {
  return `"${name}"`;
}

/** `items` in consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

function placeholders(table: Table, count: number, from: number): string[] {
  return Array.from({ length: count }, (_, i) => (table.postgres ? `$${from + i + 1}` : '?'));
}

function maxParameters(table: Table): number {
  return table.postgres ? MAX_PARAMETERS.postgres : MAX_PARAMETERS.sqlite;
}

/** The rows whose `property` is one of `values` (any order). */
export async function loadRowsWhereIn<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  property: keyof Row & string,
  values: Iterable<string>,
): Promise<Row[]> {
  const table = tableOf(manager, entity);
  const column = columnNamed(table, property);
  const driver = manager.connection.driver;
  const select = table.columns.map((c) => quote(c.databaseName)).join(', ');
  const rows: Row[] = [];
  for (const chunk of chunks([...new Set(values)], maxParameters(table))) {
    const raw: Array<Record<string, unknown>> = await manager.query(
      `SELECT ${select} FROM ${quote(table.name)} WHERE ${quote(column.databaseName)} IN (${placeholders(table, chunk.length, 0).join(', ')})`,
      chunk,
    );
    for (const record of raw) {
      const row: Record<string, unknown> = {};
      for (const c of table.columns)
        row[c.propertyName] = driver.prepareHydratedValue(record[c.databaseName], c) as unknown;
      rows.push(row as Row);
    }
  }
  return rows;
}

/** Deletes the rows whose `property` is one of `values`. */
export async function deleteRowsWhereIn<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  property: keyof Row & string,
  values: Iterable<string>,
): Promise<void> {
  const table = tableOf(manager, entity);
  const column = columnNamed(table, property);
  for (const chunk of chunks([...new Set(values)], maxParameters(table)))
    await manager.query(
      `DELETE FROM ${quote(table.name)} WHERE ${quote(column.databaseName)} IN (${placeholders(table, chunk.length, 0).join(', ')})`,
      chunk,
    );
}

/** Inserts rows that are known not to exist. */
export function insertRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  rows: readonly Row[],
): Promise<void> {
  return writeRows(manager, tableOf(manager, entity), rows, '');
}

/**
 * Inserts the rows, or replaces every column of those whose primary key exists. Rows with the same
 * key: the last one counts, as with one upsert after another.
 */
export function upsertRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  rows: readonly Row[],
): Promise<void> {
  const table = tableOf(manager, entity);
  const byKey = new Map<string, Row>();
  for (const row of rows)
    byKey.set(JSON.stringify(table.keys.map((k) => row[k.propertyName] as unknown)), row);
  const keys = table.keys.map((k) => quote(k.databaseName)).join(', ');
  const others = table.columns.filter((c) => !c.isPrimary);
  const onConflict =
    others.length === 0
      ? ` ON CONFLICT (${keys}) DO NOTHING`
      : ` ON CONFLICT (${keys}) DO UPDATE SET ${others.map((c) => `${quote(c.databaseName)} = excluded.${quote(c.databaseName)}`).join(', ')}`;
  return writeRows(manager, table, [...byKey.values()], onConflict);
}

async function writeRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  table: Table,
  rows: readonly Row[],
  onConflict: string,
): Promise<void> {
  if (rows.length === 0) return;
  const driver = manager.connection.driver;
  const names = table.columns.map((c) => quote(c.databaseName)).join(', ');
  const perStatement = Math.floor(maxParameters(table) / table.columns.length);
  for (const chunk of chunks(rows, perStatement)) {
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const tuple = placeholders(table, table.columns.length, values.length);
      for (const c of table.columns) values.push(driver.preparePersistentValue(row[c.propertyName], c));
      return `(${tuple.join(', ')})`;
    });
    await manager.query(
      `INSERT INTO ${quote(table.name)} (${names}) VALUES ${tuples.join(', ')}${onConflict}`,
      values,
    );
  }
}

/**
 * Replaces whole groups of rows: deletes every row whose `property` is one of the map's keys, then
 * inserts the rows the map gives for them (an empty list leaves the group empty). Keys in `known
 * empty` are groups that have no rows yet (say, of an incident first seen in this batch): their
 * delete is skipped.
 */
export async function replaceRowGroups<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  property: keyof Row & string,
  groups: ReadonlyMap<string, readonly Row[]>,
  knownEmpty: ReadonlySet<string> = new Set(),
): Promise<void> {
  if (groups.size === 0) return;
  await deleteRowsWhereIn(
    manager,
    entity,
    property,
    [...groups.keys()].filter((key) => !knownEmpty.has(key)),
  );
  await insertRows(manager, entity, [...groups.values()].flat());
}

/**
 * Runs a statement written with named parameters (`:name`, and `:...list` for an IN list): the driver
 * turns them into its own placeholders (`$1` in PostgreSQL, `?` in SQLite). The rows it returns; for
 * an UPDATE ... RETURNING too (PostgreSQL's driver answers those with [rows, count]).
 */
export async function queryNamed<Row>(
  manager: EntityManager,
  sql: string,
  parameters: Record<string, string | number | readonly (string | number)[]>,
): Promise<Row[]> {
  const [query, values] = manager.connection.driver.escapeQueryWithParameters(sql, parameters);
  const result: Row[] | [Row[], number] = await manager.query(query, values);
  const postgresUpdate = manager.connection.options.type === 'postgres' && /^\s*(UPDATE|DELETE)\b/i.test(sql);
  return postgresUpdate ? (result as [Row[], number])[0] : (result as Row[]);
}

/** Rows by a key, for the in-memory part of a batch. */
export function byKey<Row>(rows: readonly Row[], key: (row: Row) => string): Map<string, Row> {
  return new Map(rows.map((row) => [key(row), row]));
}
