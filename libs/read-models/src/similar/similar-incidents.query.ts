import type { DataSource } from 'typeorm';
import { CAUSAL_FINDING_KINDS, type FactorCategory, type IncidentKind } from '@kb/domain';
import { readRows } from '../sqlite-reads/sqlite-read-pool';
import {
  rankSimilar,
  recurrenceChains,
  type SimilarityCandidate,
  type SimilarityMatch,
  type SimilarityProbe,
} from './similar-ranking';
import { wordsOf } from './similar-text';

export const DEFAULT_SIMILAR_COUNT = 5;
export const MAX_SIMILAR_COUNT = 50;

/** Candidates the full-text index proposes per probe, best first by bm25 / ts_rank: by their title and summary, by their findings. */
const TEXT_SEARCHES = [
  ['incident', 60],
  ['finding', 20],
] as const;
/** Candidates proposed by shared structure (services, factor categories), most recent first. */
const STRUCTURE_CANDIDATES = 40;
/** Most words of a probe sent to the full-text index: the title's first, then the summary's, … (12 find as good candidates as 32 on the seeded history, at half the time). */
const MAX_PROBE_WORDS = 12;
/** Ids per IN list. */
const CHUNK = 500;

/** A failure described in words, not stored yet. */
export interface SimilarDescription {
  readonly title: string;
  readonly summary?: string | null;
  readonly services?: readonly string[] | null;
  readonly factorCategories?: readonly FactorCategory[] | null;
  /** ISO-8601; only incidents started strictly before it. */
  readonly before: string;
}

export class InvalidSimilarCountError extends Error {
  constructor(first: number) {
    super(`first must be an integer from 1 to ${MAX_SIMILAR_COUNT}, got ${first}.`);
    this.name = 'InvalidSimilarCountError';
  }
}

/** The earlier incidents resembling a described failure, best first. */
export async function similarToDescription(
  dataSource: DataSource,
  description: SimilarDescription,
  first: number,
): Promise<SimilarityMatch[]> {
  checkCount(first);
  const probe: SimilarityProbe = {
    incidentId: null,
    texts: [description.title, description.summary ?? ''],
    services: [...new Set(description.services ?? [])],
    categories: [...new Set(description.factorCategories ?? [])],
    kind: null,
    at: new Date(description.before).toISOString(),
  };
  const [matches] = await rank(
    dataSource,
    [{ probe, before: new Date(description.before).toISOString() }],
    first,
  );
  return matches;
}

/**
 * The earlier incidents resembling each of the given incidents (started strictly before it), best
 * first; an incident not in the read model gets none. Each probe needs its own two candidate
 * statements (a ranking is per probe), but every detail is read once for all of them.
 */
export async function similarToIncidents(
  dataSource: DataSource,
  incidentIds: readonly string[],
  first: number,
): Promise<Map<string, SimilarityMatch[]>> {
  checkCount(first);
  const ids = [...new Set(incidentIds)];
  const details = await candidateDetails(dataSource, ids);
  const probes = ids.flatMap((id) => {
    const incident = details.get(id);
    if (!incident) return [];
    const probe: SimilarityProbe = {
      incidentId: id,
      texts: incident.texts,
      services: incident.services,
      categories: incident.categories,
      kind: incident.kind,
      at: incident.startedAt,
    };
    return [{ probe, before: incident.startedAt }];
  });
  const ranked = await rank(dataSource, probes, first);
  const result = new Map<string, SimilarityMatch[]>(ids.map((id) => [id, []]));
  probes.forEach(({ probe }, index) => result.set(probe.incidentId as string, ranked[index]));
  return result;
}

function checkCount(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_SIMILAR_COUNT)
    throw new InvalidSimilarCountError(first);
}

interface Probe {
  readonly probe: SimilarityProbe;
  readonly before: string;
}

async function rank(
  dataSource: DataSource,
  probes: readonly Probe[],
  first: number,
): Promise<SimilarityMatch[][]> {
  const candidateIds = await Promise.all(probes.map((probe) => candidatesOf(dataSource, probe)));
  const all = [...new Set(candidateIds.flat())];
  const [details, links] = await Promise.all([
    candidateDetails(dataSource, all),
    chainLinks(dataSource, all),
  ]);
  return probes.map(({ probe }, index) => {
    const candidates = candidateIds[index].flatMap((id) => details.get(id) ?? []);
    // The probe's own links are left out: they would join chains through the probe itself.
    const chains = recurrenceChains(
      links.filter(
        (link) => link.incidentId !== probe.incidentId && link.relatedIncidentId !== probe.incidentId,
      ),
    );
    return rankSimilar(probe, candidates, chains, first);
  });
}

/** Ids of the earlier incidents worth scoring: the best text matches and the latest structural ones. */
async function candidatesOf(dataSource: DataSource, { probe, before }: Probe): Promise<string[]> {
  const postgres = dataSource.options.type === 'postgres';
  const words = probe.texts.flatMap((text) => wordsOf(text));
  const terms = [...new Set(words)].slice(0, MAX_PROBE_WORDS);
  const self = probe.incidentId ?? '';
  const found = new Set<string>();
  if (terms.length > 0) {
    const match = postgres
      ? terms.map((term) => `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`).join(' | ')
      : terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
    // Titles and summaries, then findings (not retracted): what failed is often only told there.
    for (const [kind, limit] of TEXT_SEARCHES) {
      const params = [match, `${kind}:`, `${kind};`, before, self, limit];
      const rows = postgres
        ? await dataSource.query<Array<{ id: string }>>(POSTGRES_TEXT_CANDIDATES, params)
        : await readRows<{ id: string }>(dataSource.manager, SQLITE_TEXT_CANDIDATES, params);
      for (const row of rows) found.add(row.id);
    }
  }
  const services = [...probe.services];
  const categories = [...probe.categories];
  if (services.length > 0 || categories.length > 0) {
    const params: unknown[] = [];
    const bind = (value: unknown) => (params.push(value), postgres ? `$${params.length}` : '?');
    const beforeParam = bind(before);
    const selfParam = bind(self);
    const conditions: string[] = [];
    if (services.length > 0)
      conditions.push(
        `EXISTS (SELECT 1 FROM incident_services s WHERE s.incident_id = i.id AND s.service IN (${services.map(bind).join(', ')}))`,
      );
    if (categories.length > 0)
      conditions.push(
        `EXISTS (SELECT 1 FROM findings f WHERE f.incident_id = i.id AND f.category IN (${categories.map(bind).join(', ')})
           AND f.kind IN (${CAUSAL_FINDING_KINDS.map(bind).join(', ')}) AND NOT f.retracted)`,
      );
    // Services and categories together when both are given: the same failure mode in the same place.
    const rows = await readRows<{ id: string }>(
      dataSource.manager,
      `SELECT i.id AS id FROM incidents i
       WHERE i.started_at < ${beforeParam} AND i.id <> ${selfParam} AND ${conditions.join(' AND ')}
       ORDER BY i.started_at DESC, i.id LIMIT ${bind(STRUCTURE_CANDIDATES)}`,
      params,
    );
    for (const row of rows) found.add(row.id);
  }
  found.delete(self);
  return [...found];
}

const placeholders =
  (postgres: boolean) =>
  (n: number): string =>
    postgres ? `$${n}` : '?';

// Candidates by one kind of document at a time (a range of the key: `incident:<id>` is the title
// and summary, `finding:<id>` a finding): searching every document (ten per incident, timeline and
// postmortem included) took twice as long on the seeded history and found worse candidates (recall@5
// 0.42 where titles alone gave 0.46); timeline and postmortem still count in the score.
// (bm25 cannot be used inside an aggregate: the inner statement ranks the documents, and its LIMIT
// both bounds the work on a common word and keeps SQLite from merging it into the outer one.)
const SQLITE_TEXT_CANDIDATES = `
  SELECT id, SUM(score) AS score FROM (
    SELECT d.incident_id AS id, -bm25(search_fts, 10.0, 1.0) AS score
    FROM search_fts
    JOIN search_documents d INDEXED BY search_documents_results_idx ON d.seq = search_fts.rowid
    JOIN incidents i ON i.id = d.incident_id
    WHERE search_fts MATCH ? AND d.id >= ? AND d.id < ? AND d.retracted = 0
      AND i.started_at < ? AND d.incident_id <> ?
    ORDER BY score DESC LIMIT 2000)
  GROUP BY id ORDER BY score DESC, id LIMIT ?`;

const POSTGRES_TEXT_CANDIDATES = `
  WITH q AS (SELECT to_tsquery('english'::regconfig, $1) AS query)
  SELECT d.incident_id AS id, SUM(ts_rank(d.document, q.query)) AS score
  FROM q, search_documents d JOIN incidents i ON i.id = d.incident_id
  WHERE d.document @@ q.query AND d.id >= $2 AND d.id < $3 AND NOT d.retracted
    AND i.started_at < $4 AND d.incident_id <> $5
  GROUP BY d.incident_id ORDER BY score DESC, d.incident_id LIMIT $6`;

type Candidate = SimilarityCandidate;

/** What the ranking needs of each incident, read with three statements per chunk of ids. */
async function candidateDetails(
  dataSource: DataSource,
  ids: readonly string[],
): Promise<Map<string, Candidate>> {
  const postgres = dataSource.options.type === 'postgres';
  const p = placeholders(postgres);
  const result = new Map<string, Candidate>();
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const list = chunk.map((_, k) => p(k + 1)).join(', ');
    const kinds = CAUSAL_FINDING_KINDS.map((_, k) => p(chunk.length + k + 1)).join(', ');
    const [incidents, documents, categories] = await Promise.all([
      readRows<{ id: string; title: string; kind: IncidentKind; startedAt: string; services: string }>(
        dataSource.manager,
        `SELECT id, title, kind, started_at AS "startedAt", services FROM incidents WHERE id IN (${list})`,
        chunk,
      ),
      readRows<{ incidentId: string; id: string; title: string; body: string }>(
        dataSource.manager,
        `SELECT incident_id AS "incidentId", id, title, body FROM search_documents
         WHERE incident_id IN (${list}) AND NOT retracted AND result_kind <> 'ACTION_ITEM'`,
        chunk,
      ),
      readRows<{ incidentId: string; category: FactorCategory }>(
        dataSource.manager,
        `SELECT DISTINCT incident_id AS "incidentId", category FROM findings
         WHERE incident_id IN (${list}) AND kind IN (${kinds}) AND NOT retracted AND category IS NOT NULL`,
        [...chunk, ...CAUSAL_FINDING_KINDS],
      ),
    ]);
    const textsOf = new Map<string, string[]>();
    // The incident's own document (title and summary) first: its words are the probe's first terms.
    documents.sort((a, b) => rankOfDocument(a.id) - rankOfDocument(b.id) || a.id.localeCompare(b.id));
    for (const document of documents) {
      const texts = textsOf.get(document.incidentId) ?? [];
      texts.push(document.title, document.body);
      textsOf.set(document.incidentId, texts);
    }
    const categoriesOf = new Map<string, FactorCategory[]>();
    for (const row of categories)
      categoriesOf.set(row.incidentId, [...(categoriesOf.get(row.incidentId) ?? []), row.category]);
    for (const row of incidents)
      result.set(row.id, {
        incidentId: row.id,
        title: row.title,
        kind: row.kind,
        startedAt: row.startedAt,
        services: JSON.parse(row.services) as string[],
        categories: (categoriesOf.get(row.id) ?? []).sort(),
        texts: (textsOf.get(row.id) ?? [row.title]).filter((text) => text.length > 0),
      });
  }
  return result;
}

function rankOfDocument(id: string): number {
  if (id.startsWith('incident:')) return 0;
  if (id.startsWith('finding:')) return 1;
  if (id.startsWith('postmortem:')) return 2;
  return 3;
}

/** RECURRENCE_OF and DUPLICATE_OF links touching the candidates (either end). */
async function chainLinks(
  dataSource: DataSource,
  ids: readonly string[],
): Promise<Array<{ incidentId: string; relatedIncidentId: string }>> {
  const postgres = dataSource.options.type === 'postgres';
  const p = placeholders(postgres);
  const links: Array<{ incidentId: string; relatedIncidentId: string }> = [];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const chunk = ids.slice(start, start + CHUNK);
    const list = chunk.map((_, k) => p(k + 1)).join(', ');
    links.push(
      ...(await readRows<{ incidentId: string; relatedIncidentId: string }>(
        dataSource.manager,
        `SELECT incident_id AS "incidentId", related_incident_id AS "relatedIncidentId" FROM incident_links
         WHERE relation IN ('RECURRENCE_OF', 'DUPLICATE_OF')
           AND (incident_id IN (${list}) OR related_incident_id IN (${list}))`,
        postgres ? chunk : [...chunk, ...chunk],
      )),
    );
  }
  return links;
}
