import { distinctIds, groupBy, managerOf, whereIdIn, type ReadModelQueryable } from '../query-arguments';
import { FindingRow, IncidentLinkRow, IncidentRow, TimelineEntryRow } from './incident.entity';

/*
 * Batch loaders for DataLoader: one statement for any number of ids (the ids are one bound
 * parameter, see whereIdIn), duplicates allowed. By id: a Map without the ids that name nothing. By
 * incident: a Map with a group, empty when there is none, for every requested incident id.
 */

/** Incidents by id (services and tags included: they are columns of the row). */
export async function incidentsByIds(
  queryable: ReadModelQueryable,
  ids: readonly string[],
): Promise<Map<string, IncidentRow>> {
  const keys = distinctIds('ids', ids);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(IncidentRow, 'i'),
    'i.id',
    keys,
  ).getMany();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Findings by id, retracted ones included (Finding.retracted says so). */
export async function findingsByIds(
  queryable: ReadModelQueryable,
  ids: readonly string[],
): Promise<Map<string, FindingRow>> {
  const keys = distinctIds('ids', ids);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(FindingRow, 'f'),
    'f.id',
    keys,
  ).getMany();
  return new Map(rows.map((row) => [row.id, row]));
}

/** Each incident's findings in the order they were recorded (stream revision), retracted ones included. */
export function findingsByIncidentIds(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
): Promise<Map<string, FindingRow[]>> {
  return findingsOfIncidents(queryable, incidentIds, []);
}

/**
 * Each incident's lessons: its LESSON_LEARNED findings not retracted, in the order they were
 * recorded. Read by kind in SQL, not filtered from every finding: similar incidents show the lessons
 * of hundreds of incidents at once, and their other findings were most of the rows.
 */
export function lessonsByIncidentIds(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
): Promise<Map<string, FindingRow[]>> {
  return findingsOfIncidents(queryable, incidentIds, ["f.kind = 'LESSON_LEARNED'", 'NOT f.retracted']);
}

/** The findings of each incident meeting `conditions` (SQL on alias `f`), in the order recorded. */
async function findingsOfIncidents(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
  conditions: readonly string[],
): Promise<Map<string, FindingRow[]>> {
  const keys = distinctIds('incidentIds', incidentIds);
  if (keys.length === 0) return new Map();
  const query = whereIdIn(managerOf(queryable).createQueryBuilder(FindingRow, 'f'), 'f.incident_id', keys);
  for (const condition of conditions) query.andWhere(condition);
  const rows = await query
    .orderBy('f.incident_id')
    .addOrderBy('f.stream_revision')
    .addOrderBy('f.id')
    .getMany();
  return groupBy(keys, rows, (row) => row.incidentId);
}

/** Each incident's timeline by `at`, entries at the same instant in the order they were added. */
export async function timelineByIncidentIds(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
): Promise<Map<string, TimelineEntryRow[]>> {
  const keys = distinctIds('incidentIds', incidentIds);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(TimelineEntryRow, 't'),
    't.incident_id',
    keys,
  )
    .orderBy('t.incident_id')
    .addOrderBy('t.at')
    .addOrderBy('t.stream_revision')
    .addOrderBy('t.id')
    .getMany();
  return groupBy(keys, rows, (row) => row.incidentId);
}

/**
 * The links each incident records (incident_id = it), oldest first. Links other incidents record
 * towards it are not included: the relation reads from the recording incident.
 */
export async function linksByIncidentIds(
  queryable: ReadModelQueryable,
  incidentIds: readonly string[],
): Promise<Map<string, IncidentLinkRow[]>> {
  const keys = distinctIds('incidentIds', incidentIds);
  if (keys.length === 0) return new Map();
  const rows = await whereIdIn(
    managerOf(queryable).createQueryBuilder(IncidentLinkRow, 'l'),
    'l.incident_id',
    keys,
  )
    .orderBy('l.incident_id')
    .addOrderBy('l.linked_at')
    .addOrderBy('l.related_incident_id')
    .addOrderBy('l.relation')
    .getMany();
  return groupBy(keys, rows, (row) => row.incidentId);
}
