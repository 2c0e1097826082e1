import type { EntityManager } from 'typeorm';
import { createHash } from 'node:crypto';
import type { FactorCategory } from '@kb/domain';
import {
  chunks,
  deleteRowsWhereIn,
  insertRows,
  loadRowsWhereIn,
  queryNamed,
  upsertRows,
} from '../../projector/batch-rows';
import {
  IncidentFactFactorCategoryRow,
  IncidentFactRecurrencePairNameRow,
  IncidentFactRecurrencePairRow,
  IncidentFactServiceRow,
} from './incident-fact.entity';

/** How far back an earlier incident makes a later one recur: 90 days, inclusive, in milliseconds. */
export const RECURRENCE_WINDOW_MS = 90 * 86_400_000;

/** Pair windows per UPDATE (4 parameters each), incidents per IN list. */
const WINDOWS_PER_STATEMENT = 200;
const IDS_PER_STATEMENT = 1000;

/**
 * Keeps the recurrence pairs and flags of incident_facts true after a batch wrote the services and
 * factor categories of `repaired` incidents (new ones, or whose services, categories or startedAt
 * changed) and RECURRENCE_OF links of `linked` ones. Runs inside the projection's transaction, after
 * those rows are written:
 *
 * 1. the pairs of the repaired incidents are derived again (services x factor categories);
 * 2. a pair row recurs when a row of the same (service, category) started in the 90 days before it,
 *    so a pair row added or removed at time t can change only the rows of its pair in [t, t + 90
 *    days]: those windows (merged per pair) are checked again, and only rows whose flag changes are
 *    written;
 * 3. incident_facts.recurs (a link, or any recurring pair) is derived again for the repaired and
 *    linked incidents and those whose pair flags changed.
 *
 * Everything is derived from rows, never from the order events came in, so a rebuild, a redelivery or
 * any split of the log into batches leaves the same flags.
 */
export async function refreshRecurrence(
  manager: EntityManager,
  repaired: ReadonlySet<string>,
  linked: ReadonlySet<string>,
  /** The startedAt (epoch ms) of a repaired incident, as the batch wrote it. */
  startedAtMs: (incidentId: string) => number,
  /**
   * The services and factor categories of an incident first seen in this batch (it has no rows from
   * before: no pair to remove, nothing to load); undefined for the others.
   */
  newIncident: (
    incidentId: string,
  ) => { services: readonly string[]; categories: readonly FactorCategory[] } | undefined,
): Promise<void> {
  if (repaired.size === 0 && linked.size === 0) return;
  const stored = [...repaired].filter((id) => newIncident(id) === undefined);
  // A new incident's flag starts false; it changes only if one of its pairs flips (below).
  const touched = new Set<string>([...stored, ...linked]);

  if (repaired.size > 0) {
    const before = await loadRowsWhereIn(manager, IncidentFactRecurrencePairRow, 'incidentId', stored);
    await deleteRowsWhereIn(manager, IncidentFactRecurrencePairRow, 'incidentId', stored);
    const services = (await loadRowsWhereIn(manager, IncidentFactServiceRow, 'incidentId', stored)).map(
      ({ incidentId, service }) => ({ incidentId, service }),
    );
    const categories = new Map<string, readonly FactorCategory[]>();
    for (const row of await loadRowsWhereIn(manager, IncidentFactFactorCategoryRow, 'incidentId', stored))
      categories.set(row.incidentId, [...(categories.get(row.incidentId) ?? []), row.category]);
    for (const incidentId of repaired) {
      const known = newIncident(incidentId);
      if (!known) continue;
      for (const service of known.services) services.push({ incidentId, service });
      categories.set(incidentId, known.categories);
    }
    const after = services.flatMap(({ incidentId, service }) =>
      (categories.get(incidentId) ?? []).map((category): IncidentFactRecurrencePairRow => ({
        incidentId,
        service,
        category,
        pairKey: pairKey(service, category),
        startedAtMs: startedAtMs(incidentId),
        recurs: false,
      })),
    );
    await insertRows(manager, IncidentFactRecurrencePairRow, after);
    await refreshPairNames(manager, before, after);
    for (const windows of chunks(pairWindows([...before, ...after]), WINDOWS_PER_STATEMENT)) {
      const parameters: Record<string, string | number> = {};
      const inWindow = windows.map((w, i) => {
        Object.assign(parameters, {
          [`s${i}`]: w.service,
          [`c${i}`]: w.category,
          [`f${i}`]: w.fromMs,
          [`t${i}`]: w.toMs,
        });
        return `(r.service = :s${i} AND r.category = :c${i} AND r.started_at_ms >= :f${i} AND r.started_at_ms <= :t${i})`;
      });
      const earlier = `EXISTS (SELECT 1 FROM incident_fact_recurrence_pairs e
        WHERE e.service = r.service AND e.category = r.category
          AND e.started_at_ms >= r.started_at_ms - ${RECURRENCE_WINDOW_MS} AND e.started_at_ms < r.started_at_ms)`;
      const flipped = await queryNamed<{ incident_id: string }>(
        manager,
        `UPDATE incident_fact_recurrence_pairs AS r SET recurs = NOT r.recurs
         WHERE (${inWindow.join(' OR ')}) AND r.recurs <> ${earlier}
         RETURNING incident_id`,
        parameters,
      );
      for (const row of flipped) touched.add(row.incident_id);
    }
  }

  for (const ids of chunks([...touched], IDS_PER_STATEMENT))
    await queryNamed(
      manager,
      `UPDATE incident_facts SET recurs =
         EXISTS (SELECT 1 FROM incident_fact_recurrence_links l WHERE l.incident_id = incident_facts.incident_id)
         OR EXISTS (SELECT 1 FROM incident_fact_recurrence_pairs r
           WHERE r.incident_id = incident_facts.incident_id AND r.recurs)
       WHERE incident_id IN (:...ids)`,
      { ids },
    );
}

/**
 * Keeps incident_fact_recurrence_pair_names the distinct (pair_key, service, category) of the pair
 * rows: adds the names of the pairs just written, and removes those of the pairs just replaced that
 * no row has any more (so the table is the same whatever the batches were).
 */
async function refreshPairNames(
  manager: EntityManager,
  before: readonly IncidentFactRecurrencePairRow[],
  after: readonly IncidentFactRecurrencePairRow[],
): Promise<void> {
  const name = ({ pairKey, service, category }: IncidentFactRecurrencePairRow) => ({
    pairKey,
    service,
    category,
  });
  await upsertRows(manager, IncidentFactRecurrencePairNameRow, after.map(name));
  const gone = [...new Set(before.map((row) => row.pairKey))];
  for (const keys of chunks(gone, IDS_PER_STATEMENT))
    await queryNamed(
      manager,
      `DELETE FROM incident_fact_recurrence_pair_names
       WHERE pair_key IN (:...keys)
         AND NOT EXISTS (SELECT 1 FROM incident_fact_recurrence_pairs r
           WHERE r.pair_key = incident_fact_recurrence_pair_names.pair_key
             AND r.service = incident_fact_recurrence_pair_names.service
             AND r.category = incident_fact_recurrence_pair_names.category)`,
      { keys },
    );
}

/**
 * A number standing for a (service, category) pair: the first 48 bits of its SHA-256, the same on
 * every database and every run. A report groups a period's pair rows by it (sorting integers is about
 * twice as fast as sorting two texts in SQLite) and checks that each group holds one pair; should two
 * pairs ever share a key, it groups by the texts instead (see recurrence.query.ts).
 */
export function pairKey(service: string, category: string): number {
  return createHash('sha256')
    .update(JSON.stringify([service, category]))
    .digest()
    .readUIntBE(0, 6);
}

interface PairWindow {
  readonly service: string;
  readonly category: string;
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The stretches of time whose rows a change of these pair rows can flip: [t, t + 90 days] for each,
 * merged where they overlap within a pair.
 */
export function pairWindows(
  rows: ReadonlyArray<{ service: string; category: string; startedAtMs: number }>,
): PairWindow[] {
  const byPair = new Map<string, { service: string; category: string; times: number[] }>();
  for (const row of rows) {
    const key = JSON.stringify([row.service, row.category]);
    let pair = byPair.get(key);
    if (!pair) byPair.set(key, (pair = { service: row.service, category: row.category, times: [] }));
    pair.times.push(row.startedAtMs);
  }
  const windows: PairWindow[] = [];
  for (const { service, category, times } of byPair.values()) {
    times.sort((a, b) => a - b);
    let current: { fromMs: number; toMs: number } | null = null;
    for (const t of times) {
      if (current && t <= current.toMs) current.toMs = t + RECURRENCE_WINDOW_MS;
      else {
        if (current) windows.push({ service, category, ...current });
        current = { fromMs: t, toMs: t + RECURRENCE_WINDOW_MS };
      }
    }
    if (current) windows.push({ service, category, ...current });
  }
  return windows;
}
