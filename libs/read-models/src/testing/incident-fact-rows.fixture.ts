import {
  DETECTION_SOURCES,
  FACTOR_CATEGORIES,
  INCIDENT_KINDS,
  INCIDENT_STATUSES,
  SEVERITIES,
  type DetectionSource,
  type FactorCategory,
  type IncidentKind,
  type IncidentStatus,
  type Severity,
} from '@kb/domain';
import type { DataSource } from 'typeorm';
import {
  IncidentFactFactorCategoryRow,
  IncidentFactRow,
  IncidentFactServiceRow,
  IncidentFactTagRow,
} from '../reports/facts/incident-fact.entity';

/*
 * Incident fact rows written straight into the fact tables, for report tests and measurements that
 * need many incidents with exact times (the projection has its own tests). A seeded generator, so a
 * dataset is the same on every run and on every database.
 */

export interface FactSeed {
  readonly incidentId: string;
  readonly kind: IncidentKind;
  readonly severity: Severity;
  readonly status: IncidentStatus;
  readonly detectionSource: DetectionSource;
  readonly startedAtMs: number;
  /** Milliseconds from startedAt to the milestone; null when it is missing. */
  readonly detectMs: number | null;
  readonly acknowledgeMs: number | null;
  readonly mitigateMs: number | null;
  readonly resolveMs: number | null;
  readonly services: readonly string[];
  readonly tags: readonly string[];
  readonly categories: readonly FactorCategory[];
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RandomFactsOptions {
  readonly count: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly seed?: number;
  readonly services?: number;
  readonly tags?: number;
}

/**
 * `count` incidents started uniformly in [fromMs, toMs): every kind, severity, status and source;
 * 1-3 of `services` services, 0-3 of `tags` tags, 0-3 factor categories; each milestone present with
 * some probability, durations in whole minutes half of the time (so statistics meet ties).
 */
export function randomFacts(options: RandomFactsOptions): FactSeed[] {
  const random = seededRandom(options.seed ?? 1);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const some = <T>(values: readonly T[], min: number, max: number): T[] => {
    const wanted = min + Math.floor(random() * (max - min + 1));
    const chosen = new Set<T>();
    while (chosen.size < Math.min(wanted, values.length)) chosen.add(pick(values));
    return [...chosen];
  };
  const services = Array.from(
    { length: options.services ?? 12 },
    (_, i) => `service-${String(i).padStart(2, '0')}`,
  );
  const tags = Array.from({ length: options.tags ?? 8 }, (_, i) => `tag-${i}`);
  const duration = (present: number, maxMinutes: number, after: number | null): number | null => {
    if (random() >= present) return null;
    const ms =
      random() < 0.5
        ? Math.floor(random() * maxMinutes) * 60_000
        : Math.floor(random() * maxMinutes * 60_000);
    return (after ?? 0) + ms;
  };
  return Array.from({ length: options.count }, (_, i) => {
    const detectMs = duration(0.9, 60, null);
    const acknowledgeMs = duration(0.8, 30, detectMs);
    const mitigateMs = duration(0.7, 240, acknowledgeMs ?? detectMs);
    const resolveMs = duration(0.7, 600, mitigateMs ?? acknowledgeMs ?? detectMs);
    return {
      incidentId: `inc-${String(i).padStart(7, '0')}`,
      kind: pick(INCIDENT_KINDS),
      severity: pick(SEVERITIES),
      status: pick(INCIDENT_STATUSES),
      detectionSource: pick(DETECTION_SOURCES),
      startedAtMs: options.fromMs + Math.floor(random() * (options.toMs - options.fromMs)),
      detectMs,
      acknowledgeMs,
      mitigateMs,
      resolveMs,
      services: some(services, 1, 3),
      tags: some(tags, 0, 3),
      categories: some(FACTOR_CATEGORIES, 0, 3),
    };
  });
}

/** Writes the facts into the fact tables, `chunk` incidents per statement. */
export async function insertFacts(
  dataSource: DataSource,
  facts: readonly FactSeed[],
  chunk = 500,
): Promise<void> {
  for (let at = 0; at < facts.length; at += chunk) {
    const part = facts.slice(at, at + chunk);
    await dataSource.transaction(async (manager) => {
      const at = (fact: FactSeed, ms: number | null) => (ms === null ? null : fact.startedAtMs + ms);
      const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
      await manager.insert(
        IncidentFactRow,
        part.map((f) => ({
          incidentId: f.incidentId,
          revision: 0,
          kind: f.kind,
          severity: f.severity,
          status: f.status,
          detectionSource: f.detectionSource,
          startedAt: new Date(f.startedAtMs).toISOString(),
          startedAtMs: f.startedAtMs,
          detectedAtMs: at(f, f.detectMs),
          acknowledgedAtMs: at(f, f.acknowledgeMs),
          mitigatedAtMs: at(f, f.mitigateMs),
          resolvedAtMs: at(f, f.resolveMs),
          detectSeconds: seconds(f.detectMs),
          acknowledgeSeconds: seconds(f.acknowledgeMs),
          mitigateSeconds: seconds(f.mitigateMs),
          resolveSeconds: seconds(f.resolveMs),
          hasCategorisedFinding: f.categories.length > 0,
          // Recurrence is the projection's (recurrence-pairs.ts); these reports never read it.
          recurs: false,
        })),
      );
      const children = <K extends string>(values: (f: FactSeed) => readonly string[], column: K) =>
        part.flatMap((f) =>
          values(f).map((value) => ({
            incidentId: f.incidentId,
            [column]: value,
            startedAt: new Date(f.startedAtMs).toISOString(),
            startedAtMs: f.startedAtMs,
          })),
        );
      const services = children((f) => f.services, 'service');
      const tags = children((f) => f.tags, 'tag');
      const categories = children((f) => f.categories, 'category');
      if (services.length > 0) await manager.insert(IncidentFactServiceRow, services);
      if (tags.length > 0) await manager.insert(IncidentFactTagRow, tags);
      if (categories.length > 0) await manager.insert(IncidentFactFactorCategoryRow, categories);
    });
  }
}
