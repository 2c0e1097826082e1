import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { CAUSAL_FINDING_KINDS, type FactorCategory, type IncidentKind } from '@kb/domain';
import { readRows } from '../sqlite-reads/sqlite-read-pool';
import { DOCUMENTS_TERM } from '../search/search-terms';
import {
  candidateStems,
  placeStemsOf,
  rankSimilar,
  recurrenceChains,
  serviceText,
  type TermFrequencies,
  type SimilarityCandidate,
  type SimilarityMatch,
  type SimilarityProbe,
} from './similar-ranking';
import { stemsOf, wordsOf } from './similar-text';

export const DEFAULT_SIMILAR_COUNT = 5;
export const MAX_SIMILAR_COUNT = 50;

/**
 * What bounds a request's cost, and its reach: every statement the ranking sends is limited by one of
 * these, at any size of the history.
 */
const LIMITS = {
  /** Candidates each full-text search proposes per probe (anywhere, in the probe's place), best first by bm25 / ts_rank. */
  textCandidates: 60,
  /** Candidates proposed by shared structure (services, factor categories), most recent first. */
  structureCandidates: 30,
  /** Candidates sharing only the probe's services when it has factor categories too, most recent first. */
  placeCandidates: 10,
  /** Most services and factor categories of a probe that propose candidates (one index range each). */
  maxStructureKeys: 5,
  /** Most words of a probe looked up in search_terms, in order of appearance (title first). */
  maxProbeStems: 64,
  /** Most words sent to the full-text index: the probe's rarest. */
  maxSearchWords: 16,
  /**
   * Most texts the searched words may occur in together (by search_terms): what bounds the cost of the
   * search, which ranks every text holding a word, at any size of the history. A word in more texts
   * than this (error, service, after) is never searched; it still counts in the score. The counts
   * are by the ranking's stemmer, which joins fewer forms of a word than the databases' do: an
   * estimate. 3,000 and 50,000 below trade recall for time (docs/adr/0020-similar-incidents-blend.md).
   */
  maxPostings: 3_000,
  /**
   * The same bound for the search in the probe's place (its services' words required too): a failure
   * of a busy service recurs among hundreds of its others, told in words common across the history,
   * and only their combination with the place finds it. The texts ranked are those of the place.
   */
  maxPlacePostings: 50_000,
  /**
   * How far back the search in the probe's place looks: a busy service's failure recurs among its own
   * recent ones (the recurrence report's window is 90 days); older ones of the same service are found
   * by the search anywhere and by structure.
   */
  placeWindowDays: 365,
  /**
   * Most milliseconds of finding candidates' words in one go, before the event loop is let free for
   * others: a count of candidates was no bound, since one long postmortem takes as long as dozens.
   */
  sliceMs: 8,
  /** Ids per IN list. */
  chunk: 500,
  /** Words per search_terms statement (one statement for all but the longest texts). */
  termsPerStatement: 5_000,
  /**
   * Most words of the candidates whose rarity is looked up: long postmortems can hold thousands. A
   * word past it weighs as the rarest (it only adds to its candidate's length in the cosine).
   */
  maxLookedUpTerms: 20_000,
} as const;

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
  const probeStems = probes.map(({ probe }) => searchableStems(probe));
  const frequencies = await termFrequencies(
    dataSource,
    probeStems.flatMap((stems) => [...stems.keys()]),
  );
  const candidateIds = await Promise.all(
    probes.map((probe, index) =>
      candidatesOf(dataSource, probe, {
        anywhere: searchWords(probeStems[index], frequencies, LIMITS.maxPostings),
        inPlace: searchWords(probeStems[index], frequencies, LIMITS.maxPlacePostings),
      }),
    ),
  );
  const all = [...new Set(candidateIds.flat())];
  const [details, links] = await Promise.all([
    candidateDetails(dataSource, all),
    chainLinks(dataSource, all),
  ]);
  // The rarity of every word the ranking compares, in the whole history.
  const unknown = new Set<string>();
  // Finding a candidate's words is most of the work: a few at a time, the event loop free between.
  let sliceStarted = performance.now();
  for (const candidate of details.values()) {
    if (performance.now() - sliceStarted > LIMITS.sliceMs) {
      await yieldToEventLoop();
      sliceStarted = performance.now();
    }
    for (const stem of candidateStems(candidate).all.keys()) if (!frequencies.has(stem)) unknown.add(stem);
  }
  for (const [stem, documents] of await termFrequencies(
    dataSource,
    [...unknown].slice(0, LIMITS.maxLookedUpTerms),
  ))
    frequencies.set(stem, documents);
  const corpus: TermFrequencies = {
    documents: frequencies.get(DOCUMENTS_TERM) ?? 0,
    of: (stem) => frequencies.get(stem) ?? 0,
  };
  const ranked: SimilarityMatch[][] = [];
  for (const [index, { probe }] of probes.entries()) {
    // One probe's ranking at a time, the event loop free between two: a page of incidents asks for
    // several, and the service must go on answering others meanwhile.
    if (index > 0) await yieldToEventLoop();
    const candidates = candidateIds[index].flatMap((id) => details.get(id) ?? []);
    ranked.push(rankSimilar(probe, candidates, chainsAround(probe.incidentId, links), first, corpus));
  }
  return ranked;
}

/** A probe's words as searched: as written, and in how many of the probe's own texts each occurs. */
interface ProbeWord {
  readonly word: string;
  readonly own: number;
}

/**
 * The probe's words by stem, in order of appearance, without its services' names. A stored
 * incident's texts are in search_terms too: how many of them hold a word is kept, so that a word
 * only the probe has is not searched (it would find only the probe).
 */
function searchableStems(probe: SimilarityProbe): Map<string, ProbeWord> {
  const stems = new Map<string, ProbeWord>();
  // The first two texts are one stored text (title and summary), each other is one (candidateDetails).
  const stored = [probe.texts.slice(0, 2), ...probe.texts.slice(2).map((text) => [text])];
  for (const texts of stored)
    for (const [stem, word] of stemsOf(texts)) {
      const own = probe.incidentId === null ? 0 : (stems.get(stem)?.own ?? 0) + 1;
      stems.set(stem, { word: stems.get(stem)?.word ?? word, own });
    }
  for (const stem of placeStemsOf(probe.services).keys()) stems.delete(stem);
  return new Map([...stems].slice(0, LIMITS.maxProbeStems));
}

/**
 * The words to search with: the rarest of the probe's (in the fewest texts of the history), while
 * the texts they occur in stay within `maxPostings`. A word no other text holds finds nothing and is
 * left out. Before search_terms knows any text (a read model being rebuilt), the probe's first words.
 */
function searchWords(
  stems: ReadonlyMap<string, ProbeWord>,
  frequencies: ReadonlyMap<string, number>,
  maxPostings: number,
): string[] {
  if ((frequencies.get(DOCUMENTS_TERM) ?? 0) === 0)
    return [...stems.values()].slice(0, LIMITS.maxSearchWords).map(({ word }) => word);
  const known = [...stems]
    .map(([stem, { word, own }], order) => ({
      word,
      order,
      documents: Math.max(0, (frequencies.get(stem) ?? 0) - own),
    }))
    .filter(({ documents }) => documents > 0)
    .sort((a, b) => a.documents - b.documents || a.order - b.order);
  const words: string[] = [];
  let postings = 0;
  for (const { word, documents } of known) {
    if (words.length === LIMITS.maxSearchWords || postings + documents > maxPostings) break;
    words.push(word);
    postings += documents;
  }
  return words;
}

/** In how many texts each stem occurs (search_terms), with DOCUMENTS_TERM, the number of texts. */
async function termFrequencies(
  dataSource: DataSource,
  stems: readonly string[],
): Promise<Map<string, number>> {
  const p = placeholders(dataSource.options.type === 'postgres');
  const terms = [...new Set([DOCUMENTS_TERM, ...stems])];
  const result = new Map<string, number>(terms.map((term) => [term, 0]));
  for (let start = 0; start < terms.length; start += LIMITS.termsPerStatement) {
    const chunk = terms.slice(start, start + LIMITS.termsPerStatement);
    const rows = await readRows<{ term: string; documents: number | string }>(
      dataSource.manager,
      `SELECT term, documents FROM search_terms WHERE term IN (${chunk.map((_, k) => p(k + 1)).join(', ')})`,
      chunk,
    );
    for (const row of rows) result.set(row.term, Math.max(0, Number(row.documents)));
  }
  return result;
}

/**
 * Ids of the earlier incidents worth scoring: the best text matches anywhere (the probe's rarest
 * words), the best in the probe's place (its services' names required in the text, the last year,
 * with more of its words: a busy service's failure is told in words common across the history),
 * and the latest sharing its structure.
 */
async function candidatesOf(
  dataSource: DataSource,
  { probe, before }: Probe,
  words: { readonly anywhere: readonly string[]; readonly inPlace: readonly string[] },
): Promise<string[]> {
  const postgres = dataSource.options.type === 'postgres';
  const self = probe.incidentId ?? '';
  const query = postgres ? POSTGRES_QUERY : SQLITE_QUERY;
  // The probe's services as words every text must hold too ("checkout-api": checkout and api).
  const places = probe.services
    .slice(0, LIMITS.maxStructureKeys)
    .map((service) => wordsOf(serviceText(service)))
    .filter((serviceWords) => serviceWords.length > 0)
    .map((serviceWords) => query.allOf(serviceWords));
  const [anywhere, inPlace, byStructure] = await Promise.all([
    textCandidates(
      dataSource,
      postgres,
      words.anywhere.length > 0 ? query.anyOf(words.anywhere) : null,
      before,
      '',
      self,
    ),
    textCandidates(
      dataSource,
      postgres,
      places.length > 0 && words.inPlace.length > 0
        ? query.allOf([query.anyOf(places, false), query.anyOf(words.inPlace)], false)
        : null,
      before,
      new Date(Date.parse(before) - LIMITS.placeWindowDays * 86_400_000).toISOString(),
      self,
    ),
    structureCandidates(dataSource, postgres, probe, before, self),
  ]);
  const found = new Set([...anywhere, ...inPlace, ...byStructure]);
  found.delete(self);
  return [...found];
}

/** Full-text queries of each database, from words as written (quoted) or from other queries. */
interface FullTextQuery {
  anyOf(parts: readonly string[], quote?: boolean): string;
  allOf(parts: readonly string[], quote?: boolean): string;
}

const SQLITE_QUERY: FullTextQuery = {
  anyOf: (parts, quote = true) => `(${parts.map((part) => (quote ? sqliteWord(part) : part)).join(' OR ')})`,
  allOf: (parts, quote = true) => `(${parts.map((part) => (quote ? sqliteWord(part) : part)).join(' AND ')})`,
};
const sqliteWord = (word: string) => `"${word.replaceAll('"', '""')}"`;

const POSTGRES_QUERY: FullTextQuery = {
  anyOf: (parts, quote = true) => `(${parts.map((part) => (quote ? postgresWord(part) : part)).join(' | ')})`,
  allOf: (parts, quote = true) => `(${parts.map((part) => (quote ? postgresWord(part) : part)).join(' & ')})`,
};
const postgresWord = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;

async function textCandidates(
  dataSource: DataSource,
  postgres: boolean,
  match: string | null,
  before: string,
  since: string,
  self: string,
): Promise<string[]> {
  if (match === null) return [];
  const params = [match, before, since, self, LIMITS.textCandidates];
  const rows = postgres
    ? await dataSource.query<Array<{ id: string }>>(POSTGRES_TEXT_CANDIDATES, params)
    : await readRows<{ id: string }>(dataSource.manager, SQLITE_TEXT_CANDIDATES, params);
  return rows.map((row) => row.id);
}

/**
 * The latest earlier incidents sharing the probe's services and factor categories (both, when both
 * are given: the same failure mode in the same place), and a few sharing only its services (the
 * same place told in other words), one index range per service (or category) of the facts read
 * model, which keeps them by start.
 */
async function structureCandidates(
  dataSource: DataSource,
  postgres: boolean,
  probe: SimilarityProbe,
  before: string,
  self: string,
): Promise<string[]> {
  const services = [...probe.services].slice(0, LIMITS.maxStructureKeys);
  const categories = [...probe.categories].slice(0, LIMITS.maxStructureKeys);
  const p = placeholders(postgres);
  const latest = (table: string, column: string, key: string, limit: number, alsoCategories: string[]) =>
    readRows<{ id: string; startedAt: string }>(
      dataSource.manager,
      // In the order the statement names them: SQLite's placeholders are positional.
      `SELECT x.incident_id AS id, x.started_at AS "startedAt" FROM ${table} x
       WHERE x.${column} = ${p(1)} AND x.started_at < ${p(2)} AND x.incident_id <> ${p(3)}${
         alsoCategories.length === 0
           ? ''
           : ` AND EXISTS (SELECT 1 FROM incident_fact_factor_categories c WHERE c.incident_id = x.incident_id
                AND c.category IN (${alsoCategories.map((_, k) => p(k + 4)).join(', ')}))`
       }
       ORDER BY x.started_at DESC LIMIT ${p(4 + alsoCategories.length)}`,
      [key, before, self, ...alsoCategories, limit],
    );
  const ranges = await Promise.all([
    ...services.map((service) =>
      latest('incident_fact_services', 'service', service, LIMITS.structureCandidates, categories),
    ),
    ...(services.length > 0
      ? categories.length > 0
        ? services.map((service) =>
            latest('incident_fact_services', 'service', service, LIMITS.placeCandidates, []),
          )
        : []
      : categories.map((category) =>
          latest('incident_fact_factor_categories', 'category', category, LIMITS.structureCandidates, []),
        )),
  ]);
  const byStart = (rows: Array<{ id: string; startedAt: string }>, limit: number) =>
    rows
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : a.id < b.id ? -1 : 1))
      .slice(0, limit)
      .map((row) => row.id);
  const structural = byStart(
    ranges.slice(0, services.length || categories.length).flat(),
    LIMITS.structureCandidates,
  );
  const placeOnly = byStart(
    ranges.slice(services.length || categories.length).flat(),
    LIMITS.placeCandidates,
  );
  return [...structural, ...placeOnly];
}

const placeholders =
  (postgres: boolean) =>
  (n: number): string =>
    postgres ? `$${n}` : '?';

// A search over every text of the earlier incidents started in [since, before) (not their action
// items), summed per incident: titles weigh ten times the rest. The searched words are the probe's
// rarest (see LIMITS.maxPostings and LIMITS.maxPlacePostings), so the texts ranked stay few at any
// size of the history. (bm25 cannot be used inside an aggregate: the inner statement ranks the texts.)
const SQLITE_TEXT_CANDIDATES = `
  SELECT id, SUM(score) AS score FROM (
    SELECT d.incident_id AS id, -bm25(search_fts, 10.0, 1.0) AS score
    FROM search_fts
    JOIN search_documents d INDEXED BY search_documents_results_idx ON d.seq = search_fts.rowid
    JOIN incidents i ON i.id = d.incident_id
    WHERE search_fts MATCH ? AND d.retracted = 0 AND d.result_kind <> 'ACTION_ITEM'
      AND i.started_at < ? AND i.started_at >= ? AND d.incident_id <> ?
    ORDER BY score DESC LIMIT 5000)
  GROUP BY id ORDER BY score DESC, id LIMIT ?`;

const POSTGRES_TEXT_CANDIDATES = `
  WITH q AS (SELECT to_tsquery('english'::regconfig, $1) AS query)
  SELECT d.incident_id AS id, SUM(ts_rank(d.document, q.query)) AS score
  FROM q, search_documents d JOIN incidents i ON i.id = d.incident_id
  WHERE d.document @@ q.query AND NOT d.retracted AND d.result_kind <> 'ACTION_ITEM'
    AND i.started_at < $2 AND i.started_at >= $3 AND d.incident_id <> $4
  GROUP BY d.incident_id ORDER BY score DESC, d.incident_id LIMIT $5`;

type Candidate = SimilarityCandidate;

/** What the ranking needs of each incident, read with three statements per chunk of ids. */
async function candidateDetails(
  dataSource: DataSource,
  ids: readonly string[],
): Promise<Map<string, Candidate>> {
  const postgres = dataSource.options.type === 'postgres';
  const p = placeholders(postgres);
  const result = new Map<string, Candidate>();
  for (let start = 0; start < ids.length; start += LIMITS.chunk) {
    const chunk = ids.slice(start, start + LIMITS.chunk);
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
    // The incident's own document first, as its title and its summary (the primary texts, empty or
    // not), then one text per other document: its words are the probe's first terms.
    const textsOf = new Map<string, string[]>();
    documents.sort((a, b) => rankOfDocument(a.id) - rankOfDocument(b.id) || a.id.localeCompare(b.id));
    for (const document of documents) {
      const texts = textsOf.get(document.incidentId) ?? [];
      if (document.id.startsWith('incident:')) texts.push(document.title, document.body);
      else texts.push([document.title, document.body].filter((text) => text.length > 0).join('\n'));
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
        texts: textsOf.get(row.id) ?? [row.title, ''],
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

/**
 * The recurrence chains of the candidates as the ranking sees them from a probe. The probe's own
 * links do not join chains through it (two failures it merely resembles stay apart); the chains it
 * is linked to are its own history, one chain with the probe in it, which the ranking never
 * collapses.
 */
function chainsAround(
  probeId: string | null,
  links: ReadonlyArray<{ incidentId: string; relatedIncidentId: string }>,
): Map<string, string> {
  const touches = (link: { incidentId: string; relatedIncidentId: string }) =>
    link.incidentId === probeId || link.relatedIncidentId === probeId;
  const chains = recurrenceChains(links.filter((link) => !touches(link)));
  if (probeId === null) return chains;
  const linked = links
    .filter(touches)
    .map((link) => (link.incidentId === probeId ? link.relatedIncidentId : link.incidentId));
  if (linked.length === 0) return chains;
  const own = new Set(linked.map((id) => chains.get(id) ?? id));
  const key = `own:${probeId}`;
  for (const [id, chain] of chains) if (own.has(chain)) chains.set(id, key);
  for (const id of [...linked, probeId]) chains.set(id, key);
  return chains;
}

/** RECURRENCE_OF and DUPLICATE_OF links touching the candidates (either end). */
async function chainLinks(
  dataSource: DataSource,
  ids: readonly string[],
): Promise<Array<{ incidentId: string; relatedIncidentId: string }>> {
  const postgres = dataSource.options.type === 'postgres';
  const p = placeholders(postgres);
  const links: Array<{ incidentId: string; relatedIncidentId: string }> = [];
  for (let start = 0; start < ids.length; start += LIMITS.chunk) {
    const chunk = ids.slice(start, start + LIMITS.chunk);
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
