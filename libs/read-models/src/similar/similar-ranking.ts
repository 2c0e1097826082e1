import type { FactorCategory, IncidentKind } from '@kb/domain';
import { stemsOf } from './similar-text';

/**
 * How much each signal weighs in the score (docs/adr/0020-similar-incidents-blend.md). Text carries
 * most: it is the only signal every probe has, and the words of a failure (certificate, expired,
 * pool, exhausted) say what failed better than where. A shared factor category is the failure mode,
 * weighed above a shared service, which says only where it happened. The kind breaks ties.
 */
export const SIMILARITY_WEIGHTS = {
  text: 0.45,
  categories: 0.25,
  services: 0.15,
  recency: 0.1,
  kind: 0.05,
} as const;

/** Days after which the recency signal has halved: a failure recurs most while its fix is pending. */
export const RECENCY_HALF_LIFE_DAYS = 30;
/** Recency is named as a reason within this many days (the recurrence report's window). */
const RECENT_DAYS = 90;
const DAY_MS = 86_400_000;

/** Most shared words a reason names. */
const REASON_WORDS = 5;

/** What is being compared: a stored incident, or a failure described in words. */
export interface SimilarityProbe {
  /** The incident itself (never its own match), or null for a description. */
  readonly incidentId: string | null;
  /** Title and summary first (the primary texts), then findings (not retracted), timeline. */
  readonly texts: readonly string[];
  readonly services: readonly string[];
  readonly categories: readonly FactorCategory[];
  /** Null for a description, which has no kind: the kind then does not count. */
  readonly kind: IncidentKind | null;
  /** ISO-8601: the probe's start (or the described failure's `before`); candidates started before it. */
  readonly at: string;
}

/** An earlier incident that may resemble the probe. */
export interface SimilarityCandidate {
  readonly incidentId: string;
  readonly title: string;
  readonly kind: IncidentKind;
  readonly startedAt: string;
  readonly services: readonly string[];
  /** Categories of its TRIGGER and CONTRIBUTING_FACTOR findings that are not retracted. */
  readonly categories: readonly FactorCategory[];
  /** Title and summary first (the primary texts), then findings not retracted, timeline, postmortem. */
  readonly texts: readonly string[];
}

/** How many of `texts` are the primary ones: the title and the summary. */
const PRIMARY_TEXTS = 2;

export interface SimilarityMatch {
  readonly incidentId: string;
  /** In [0, 1]. */
  readonly score: number;
  readonly reasons: string[];
}

/** In how many of the history's texts a word occurs (search_terms), and how many texts there are. */
export interface TermFrequencies {
  readonly documents: number;
  of(stem: string): number;
}

/** The words of service names ("api-gateway": api, gateway), which name a place, not a failure. */
export function placeStemsOf(services: readonly string[]): Map<string, string> {
  return stemsOf(services.map(serviceText));
}

/** A service name as words ("checkout-api": "checkout api"). */
export function serviceText(service: string): string {
  return service.replace(/[-_.]/g, ' ');
}

/** A candidate's words, all of its texts and its primary ones (title and summary). */
export interface CandidateStems {
  readonly all: ReadonlyMap<string, string>;
  readonly primary: ReadonlyMap<string, string>;
}

const stemsByCandidate = new WeakMap<SimilarityCandidate, CandidateStems>();

/**
 * A candidate's words, found once per candidate object: a request ranks the same candidates for
 * several probes (a page of incidents), and finding words is most of a ranking's work.
 */
export function candidateStems(candidate: SimilarityCandidate): CandidateStems {
  let stems = stemsByCandidate.get(candidate);
  if (!stems) {
    stems = { all: stemsOf(candidate.texts), primary: stemsOf(candidate.texts.slice(0, PRIMARY_TEXTS)) };
    stemsByCandidate.set(candidate, stems);
  }
  return stems;
}

/**
 * Ranks the candidates by the blend of text closeness and shared structure, best first, with at
 * most `first` matches, each with at least one reason (a candidate sharing nothing is left out).
 *
 * Text closeness is the cosine of the two texts' word sets, each word weighted by its inverse
 * frequency in the history's texts (`corpus`, from search_terms), or, without it, among the
 * candidates (a word most texts share says little). Signals the probe does not have (a description without services) are left out of the
 * blend rather than counted as misses, so scores stay in [0, 1] for every probe.
 *
 * `chainOf` names each candidate's recurrence chain (incidents linked by RECURRENCE_OF or
 * DUPLICATE_OF): the best of each chain comes first, the others after every chain's best. The
 * probe's own chain (its known earlier occurrences) is not collapsed: those are its history, and
 * they still rank by score only.
 */
export function rankSimilar(
  probe: SimilarityProbe,
  candidates: readonly SimilarityCandidate[],
  chainOf: ReadonlyMap<string, string>,
  first: number,
  corpus?: TermFrequencies,
): SimilarityMatch[] {
  const pool = candidates.filter((candidate) => candidate.incidentId !== probe.incidentId);
  // Words of the probe's service names ("api-gateway": api, gateway) are the place, which the
  // services signal counts already: the text compares what failed, not where.
  const placeWords = [...placeStemsOf(probe.services).keys()];
  const withoutPlace = (stems: ReadonlyMap<string, string>): ReadonlyMap<string, string> => {
    if (!placeWords.some((stem) => stems.has(stem))) return stems;
    const kept = new Map(stems);
    for (const stem of placeWords) kept.delete(stem);
    return kept;
  };
  const probeAll = withoutPlace(stemsOf(probe.texts));
  const probePrimary = withoutPlace(stemsOf(probe.texts.slice(0, PRIMARY_TEXTS)));
  const candidateAll = pool.map((candidate) => withoutPlace(candidateStems(candidate).all));
  const candidatePrimary = pool.map((candidate) => withoutPlace(candidateStems(candidate).primary));
  const frequency = new Map<string, number>();
  for (const stems of candidateAll)
    for (const stem of stems.keys()) frequency.set(stem, (frequency.get(stem) ?? 0) + 1);
  // Rarity in the whole history when it is known, else among the candidates.
  const rarity =
    corpus && corpus.documents > 0
      ? (stem: string) => 1 + Math.log((corpus.documents + 1) / (corpus.of(stem) + 1))
      : (stem: string) => 1 + Math.log((pool.length + 1) / ((frequency.get(stem) ?? 0) + 1));
  // Each stem's weight once: thousands of candidates share most of their words, and the logarithm
  // per occurrence was most of a ranking's time.
  const weights = new Map<string, number>();
  const weight = (stem: string): number => {
    let w = weights.get(stem);
    if (w === undefined) {
      w = rarity(stem);
      weights.set(stem, w);
    }
    return w;
  };
  const cosine = (a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>) => {
    let dot = 0;
    let normA = 0;
    let normB = 0;
    for (const stem of a.keys()) {
      const w = weight(stem) ** 2;
      normA += w;
      if (b.has(stem)) dot += w;
    }
    if (dot === 0) return 0;
    for (const stem of b.keys()) normB += weight(stem) ** 2;
    return dot / Math.sqrt(normA * normB);
  };
  const probeServices = new Set(probe.services);
  const probeCategories = new Set(probe.categories);
  const at = Date.parse(probe.at);
  const blendWeight =
    SIMILARITY_WEIGHTS.text +
    SIMILARITY_WEIGHTS.recency +
    (probeServices.size > 0 ? SIMILARITY_WEIGHTS.services : 0) +
    (probeCategories.size > 0 ? SIMILARITY_WEIGHTS.categories : 0) +
    (probe.kind !== null ? SIMILARITY_WEIGHTS.kind : 0);

  // Scores first, for every candidate; the reasons in words only for those shown (`first` at most):
  // thousands of candidates are scored, and wording their reasons was much of the time.
  const scored = pool.flatMap((candidate, index) => {
    const stems = candidateAll[index];
    let sharesWords = false;
    for (const stem of probeAll.keys())
      if (stems.has(stem)) {
        sharesWords = true;
        break;
      }
    const services = [...new Set(candidate.services)].filter((s) => probeServices.has(s)).sort();
    const categories = [...new Set(candidate.categories)].filter((c) => probeCategories.has(c)).sort();
    // The kind or the time alone is no reason to show an incident; beside another reason they say how alike they are.
    if (!sharesWords && services.length === 0 && categories.length === 0) return [];
    // Titles and summaries compared alone too: long findings and timelines must not drown a close title.
    const text = Math.max(cosine(probeAll, stems), cosine(probePrimary, candidatePrimary[index]));
    const sameKind = probe.kind !== null && probe.kind === candidate.kind;
    const days = Math.max(0, (at - Date.parse(candidate.startedAt)) / DAY_MS);
    const recency = 0.5 ** (days / RECENCY_HALF_LIFE_DAYS);
    const blend =
      SIMILARITY_WEIGHTS.text * text +
      SIMILARITY_WEIGHTS.recency * recency +
      (probeServices.size > 0 ? (SIMILARITY_WEIGHTS.services * services.length) / probeServices.size : 0) +
      (probeCategories.size > 0
        ? (SIMILARITY_WEIGHTS.categories * categories.length) / probeCategories.size
        : 0) +
      (sameKind ? SIMILARITY_WEIGHTS.kind : 0);
    const reasons = (): string[] => {
      const words = [...probeAll.keys()]
        .filter((stem) => stems.has(stem))
        // The rarest first; equally rare ones in the probe's order (the sort is stable).
        .sort((a, b) => weight(b) - weight(a))
        .slice(0, REASON_WORDS)
        .map((stem) => probeAll.get(stem) as string);
      return [
        ...services.map((service) => `same service: ${service}`),
        ...categories.map((category) => `same factor: ${category}`),
        ...(words.length > 0 ? [`shared words: ${words.join(', ')}`] : []),
        ...(sameKind ? [`same kind: ${candidate.kind}`] : []),
        ...(days <= RECENT_DAYS
          ? [
              `recent: ${Math.max(1, Math.round(days))} day${Math.max(1, Math.round(days)) === 1 ? '' : 's'} before`,
            ]
          : []),
      ];
    };
    const score = Math.min(1, Math.max(0, blend / blendWeight));
    return [{ candidate, score: Math.round(score * 10_000) / 10_000, reasons }];
  });
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.candidate.startedAt.localeCompare(a.candidate.startedAt) ||
      a.candidate.incidentId.localeCompare(b.candidate.incidentId),
  );

  // The best of each chain first; the others of a chain after every chain's best, saying whose chain.
  // The probe's own chain is its known history, not near-duplicates of another failure: never collapsed.
  const ownChain = probe.incidentId === null ? undefined : chainOf.get(probe.incidentId);
  const bestOfChain = new Map<string, SimilarityCandidate>();
  const heads: Array<(typeof scored)[number]> = [];
  const rest: Array<{ match: (typeof scored)[number]; best: SimilarityCandidate }> = [];
  for (const match of scored) {
    const chain = chainOf.get(match.candidate.incidentId) ?? match.candidate.incidentId;
    const best = chain === ownChain ? undefined : bestOfChain.get(chain);
    if (!best) {
      bestOfChain.set(chain, match.candidate);
      heads.push(match);
    } else rest.push({ match, best });
  }
  return [
    ...heads.slice(0, first).map(({ candidate, score, reasons }) => ({
      incidentId: candidate.incidentId,
      score,
      reasons: reasons(),
    })),
    ...rest.slice(0, Math.max(0, first - heads.length)).map(({ match, best }) => ({
      incidentId: match.candidate.incidentId,
      score: match.score,
      reasons: [...match.reasons(), `same failure as: ${best.title}`],
    })),
  ];
}

/**
 * Recurrence chains from links (incident → the earlier one it recurs or duplicates): every incident
 * linked, directly or through others, gets the same chain key (the smallest id, so it is stable).
 */
export function recurrenceChains(
  links: ReadonlyArray<{ readonly incidentId: string; readonly relatedIncidentId: string }>,
): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(id, root);
    return root;
  };
  for (const { incidentId, relatedIncidentId } of links) {
    const a = find(incidentId);
    const b = find(relatedIncidentId);
    if (a === b) continue;
    if (a < b) parent.set(b, a);
    else parent.set(a, b);
  }
  const chains = new Map<string, string>();
  for (const id of parent.keys()) chains.set(id, find(id));
  return chains;
}
