/**
 * The demo history: a pure, deterministic generator of incident and action-item streams, ready to
 * append. Same options → byte-identical events (ids, payloads, metadata). Nothing here reads the
 * clock, Math.random or any I/O.
 *
 * Every event is decided by the real domain (`decide`/`evolve` of the stream definitions the command
 * path uses) at a simulated "now", so the history is one the deciders accept: milestones in time
 * order, status changes caused by the milestone, finding or postmortem before them, categories on
 * causal findings, action items opened on findings that existed (and were not retracted) then.
 */
import {
  type ActionItemCommand,
  type ActionItemType,
  type DetectionSource,
  type ExperimentOutcome,
  type FactorCategory,
  type FindingKind,
  type IncidentCommand,
  type IncidentKind,
  type IncidentState,
  type LinkRelation,
  type Milestone,
  type Priority,
  type Severity,
} from '@kb/domain';
import type { EventToAppend, JsonValue } from '@kb/event-store';
import { actionItemStream, type StreamDefinition, incidentStream } from '@kb/domain';
import type { EventMetadata } from '@kb/event-sourcing';
import { demoUuid, uuidSequence } from './demo-ids';
import { demoWorld, WeightedServices, type DemoService, type DemoWorld } from './demo-world';
import * as texts from './demo-texts';
import { Prng } from './prng';

export interface DemoHistoryOptions {
  /** How many incidents (of every kind) to make. */
  readonly incidents: number;
  readonly seed: number;
  /** The end of the history: nothing happens after it. */
  readonly until: Date;
  /** How far back from `until` the incidents start. */
  readonly years: number;
}

/** The `actor` of every seeded event. */
export const SEED_ACTOR = 'seed';

export interface DemoStream {
  readonly streamId: string;
  /** In stream order; append them with expectedRevision `no_stream`. */
  readonly events: EventToAppend[];
}

/** One incident's streams: its own first, then those of its action items. */
export interface DemoIncident {
  /** 0-based, in order of startedAt. */
  readonly index: number;
  readonly incidentId: string;
  readonly streams: DemoStream[];
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const YEAR = 365.2425 * DAY;
/** Failures of the same service within this window count as repeats (and may be linked). */
export const RECURRENCE_WINDOW_MS = 90 * DAY;

/** The history's identity: every id is derived from it, so another history never reuses an id. */
export function historyKey(options: DemoHistoryOptions): string {
  return `seed=${options.seed};incidents=${options.incidents};until=${options.until.toISOString()};years=${options.years}`;
}

/** The id of the i-th incident (by startedAt) of the history. */
export function demoIncidentId(options: DemoHistoryOptions, index: number): string {
  return demoUuid(`${historyKey(options)}\nincident\n${index}`);
}

/** Generates the history incident by incident, in order of startedAt; memory stays small. */
export function* demoHistory(options: DemoHistoryOptions): Generator<DemoIncident> {
  const generator = new DemoHistoryGenerator(options);
  for (let index = 0; index < options.incidents; index++) yield generator.incident(index);
}

// ---- time: when incidents start --------------------------------------------------------------------

/** Weekday (Sunday first): fewer changes at the weekend, fewest failures then. */
const WEEKDAY = [0.45, 1.0, 1.1, 1.05, 1.0, 0.8, 0.45];
/** Hour of day (UTC): deploys and traffic peak in the afternoon. */
const HOUR_OF_DAY = [
  0.3, 0.25, 0.22, 0.2, 0.2, 0.22, 0.3, 0.45, 0.7, 0.9, 1.0, 1.0, 0.95, 1.0, 1.0, 0.95, 0.85, 0.7, 0.55, 0.5,
  0.45, 0.4, 0.35, 0.32,
];
/** Month: the November peak (sales), a change freeze in December, a quiet summer. */
const MONTH = [0.95, 1.0, 1.0, 0.95, 0.95, 0.9, 0.85, 0.8, 1.0, 1.1, 1.35, 0.85];
/** Growth over the span: the organisation grows, and reports more (0.7 at the start, 1.2 at the end). */
const growth = (progress: number) => 0.7 + 0.5 * progress;
const MAX_RATE = Math.max(...WEEKDAY) * Math.max(...HOUR_OF_DAY) * Math.max(...MONTH) * growth(1);

/** Relative rate of incidents starting at `ms`: the weekly, daily and seasonal rhythm. */
export function incidentRate(ms: number, progress: number): number {
  const date = new Date(ms);
  return (
    WEEKDAY[date.getUTCDay()] * HOUR_OF_DAY[date.getUTCHours()] * MONTH[date.getUTCMonth()] * growth(progress)
  );
}

/** Start times by rejection sampling from the rate, sorted, to the second. */
function startTimes(options: DemoHistoryOptions): Float64Array {
  const prng = Prng.of('starts', historyKey(options));
  const until = options.until.getTime();
  const span = options.years * YEAR;
  const from = until - span;
  const times = new Float64Array(options.incidents);
  for (let n = 0; n < times.length;) {
    const progress = prng.float();
    const ms = from + progress * span;
    if (prng.float() * MAX_RATE < incidentRate(ms, progress)) times[n++] = Math.floor(ms / 1000) * 1000;
  }
  return times.sort();
}

// ---- distributions ----------------------------------------------------------------------------------

const SEVERITY_BY_KIND: Record<IncidentKind, Record<Severity, number>> = {
  INCIDENT: { SEV1: 2, SEV2: 9, SEV3: 34, SEV4: 40, SEV5: 15 },
  NEAR_MISS: { SEV1: 0, SEV2: 3, SEV3: 20, SEV4: 47, SEV5: 30 },
  CHAOS_EXPERIMENT: { SEV1: 0, SEV2: 0, SEV3: 10, SEV4: 50, SEV5: 40 },
  GAME_DAY: { SEV1: 0, SEV2: 2, SEV3: 15, SEV4: 48, SEV5: 35 },
};

const DETECTION_BY_KIND: Record<IncidentKind, Partial<Record<DetectionSource, number>>> = {
  INCIDENT: { MONITORING_ALERT: 60, CUSTOMER_REPORT: 18, INTERNAL_REPORT: 15, AUDIT: 2, OTHER: 5 },
  NEAR_MISS: { INTERNAL_REPORT: 55, MONITORING_ALERT: 28, AUDIT: 12, OTHER: 5 },
  CHAOS_EXPERIMENT: { CHAOS_EXPERIMENT: 100 },
  GAME_DAY: { CHAOS_EXPERIMENT: 70, INTERNAL_REPORT: 30 },
};

/** Start → detection (minutes): customers notice late, monitoring early. Median and σ. */
const DETECT_DELAY: Record<DetectionSource, readonly [number, number]> = {
  MONITORING_ALERT: [4, 0.8],
  CUSTOMER_REPORT: [45, 1.0],
  INTERNAL_REPORT: [25, 1.1],
  AUDIT: [3 * 24 * 60, 1.2],
  OTHER: [60, 1.2],
  CHAOS_EXPERIMENT: [2, 0.6],
};

/** Medians in minutes by severity: detection → acknowledged → mitigated → resolved. */
const ACK_MEDIAN: Record<Severity, number> = { SEV1: 3, SEV2: 5, SEV3: 12, SEV4: 30, SEV5: 90 };
const MITIGATE_MEDIAN: Record<Severity, number> = { SEV1: 40, SEV2: 60, SEV3: 90, SEV4: 180, SEV5: 360 };
const RESOLVE_MEDIAN: Record<Severity, number> = {
  SEV1: 3 * 60,
  SEV2: 5 * 60,
  SEV3: 8 * 60,
  SEV4: 24 * 60,
  SEV5: 48 * 60,
};

const TRIGGER_CATEGORIES: Record<FactorCategory, number> = {
  CODE_CHANGE: 24,
  CONFIG_CHANGE: 16,
  DEPENDENCY: 12,
  CAPACITY: 10,
  INFRASTRUCTURE: 9,
  DATA: 6,
  NETWORK: 6,
  USER_BEHAVIOR: 4,
  SECURITY: 3,
  HARDWARE: 2,
  PROCESS: 3,
  MONITORING_GAP: 1,
  UNKNOWN: 4,
};
const CONTRIBUTING_CATEGORIES: Record<FactorCategory, number> = {
  MONITORING_GAP: 22,
  PROCESS: 15,
  CAPACITY: 12,
  DEPENDENCY: 10,
  CONFIG_CHANGE: 8,
  CODE_CHANGE: 8,
  INFRASTRUCTURE: 7,
  DATA: 5,
  NETWORK: 4,
  USER_BEHAVIOR: 3,
  SECURITY: 2,
  HARDWARE: 2,
  UNKNOWN: 2,
};
const EXPERIMENT_CATEGORIES: Partial<Record<FactorCategory, number>> = {
  MONITORING_GAP: 35,
  CAPACITY: 20,
  PROCESS: 20,
  DEPENDENCY: 15,
  INFRASTRUCTURE: 10,
};

/** Mean number of contributing factors by severity. */
const CONTRIBUTING_MEAN: Record<Severity, number> = { SEV1: 2.5, SEV2: 1.8, SEV3: 1.0, SEV4: 0.6, SEV5: 0.3 };
/** How likely a resolved incident gets a review (findings) at all. */
const REVIEW_CHANCE: Record<Severity, number> = {
  SEV1: 0.99,
  SEV2: 0.97,
  SEV3: 0.85,
  SEV4: 0.65,
  SEV5: 0.45,
};
/** How likely a reviewed incident gets a published postmortem (which closes it). */
const POSTMORTEM_CHANCE: Record<Severity, number> = {
  SEV1: 0.95,
  SEV2: 0.9,
  SEV3: 0.65,
  SEV4: 0.4,
  SEV5: 0.2,
};
/** Mean number of action items of a reviewed incident by severity. */
const ACTION_ITEM_MEAN: Record<Severity, number> = { SEV1: 4.5, SEV2: 3, SEV3: 1.6, SEV4: 0.8, SEV5: 0.4 };

const PRIORITY_BY_SEVERITY: Record<Severity, Record<Priority, number>> = {
  SEV1: { P1: 40, P2: 45, P3: 15, P4: 0 },
  SEV2: { P1: 15, P2: 50, P3: 30, P4: 5 },
  SEV3: { P1: 3, P2: 30, P3: 47, P4: 20 },
  SEV4: { P1: 0, P2: 12, P3: 48, P4: 40 },
  SEV5: { P1: 0, P2: 5, P3: 40, P4: 55 },
};
/** Days until due, by priority (median). */
const DUE_DAYS: Record<Priority, number> = { P1: 7, P2: 21, P3: 45, P4: 90 };
/** Days from opening to starting, and from starting to done (medians), by priority. */
const START_DAYS: Record<Priority, number> = { P1: 1, P2: 4, P3: 12, P4: 30 };
const WORK_DAYS: Record<Priority, number> = { P1: 3, P2: 8, P3: 15, P4: 25 };
/** Items nobody ever starts (the backlog that rots: they become overdue), and items dropped. */
const NEVER_STARTED: Record<Priority, number> = { P1: 0.04, P2: 0.1, P3: 0.22, P4: 0.35 };
const DROPPED: Record<Priority, number> = { P1: 0.03, P2: 0.06, P3: 0.1, P4: 0.16 };

const ITEM_TYPE_BY_CATEGORY: Partial<Record<FactorCategory, Partial<Record<ActionItemType, number>>>> = {
  MONITORING_GAP: { DETECT: 80, INVESTIGATE: 10, PROCESS: 10 },
  CAPACITY: { PREVENT: 45, MITIGATE: 35, DETECT: 20 },
  DEPENDENCY: { MITIGATE: 60, PREVENT: 25, DETECT: 15 },
  CODE_CHANGE: { REPAIR: 45, PREVENT: 40, DETECT: 15 },
  CONFIG_CHANGE: { PREVENT: 55, REPAIR: 25, DETECT: 20 },
  PROCESS: { PROCESS: 85, PREVENT: 15 },
  UNKNOWN: { INVESTIGATE: 80, DETECT: 20 },
};
const ITEM_TYPE_DEFAULT: Record<ActionItemType, number> = {
  INVESTIGATE: 15,
  DETECT: 20,
  MITIGATE: 15,
  REPAIR: 15,
  PREVENT: 25,
  PROCESS: 10,
};
const PLATFORM_TEAM_BY_CATEGORY: Partial<Record<FactorCategory, string>> = {
  MONITORING_GAP: 'team-observability',
  NETWORK: 'team-network',
  SECURITY: 'team-security',
  INFRASTRUCTURE: 'team-platform',
  HARDWARE: 'team-sre',
  DATA: 'team-data-platform',
  CAPACITY: 'team-sre',
};

// ---- the generator ----------------------------------------------------------------------------------

interface Remembered {
  readonly id: string;
  readonly startMs: number;
  readonly reportMs: number;
  readonly team: string;
  readonly service: string;
  readonly category: FactorCategory | null;
  readonly signature: FailureSignature;
}

/** What a recurrence of a failure repeats (demo-texts.ts, FAILURE_PARTS). */
interface FailureSignature {
  readonly symptom: string;
  readonly trigger: string;
  readonly dependency: string;
  readonly part: string;
  readonly error: string;
}

interface Planned<Command> {
  readonly at: number;
  readonly command: Command;
}

interface PlannedLink {
  readonly related: Remembered;
  readonly relation: LinkRelation;
}

type IncidentCommandBody = IncidentCommand extends infer C
  ? C extends { incidentId: string }
    ? Omit<C, 'incidentId'>
    : never
  : never;

class DemoHistoryGenerator {
  private readonly key: string;
  private readonly world: DemoWorld;
  private readonly popularity: WeightedServices;
  private readonly starts: Float64Array;
  private readonly from: number;
  private readonly until: number;
  /** Recent failures per service (within the recurrence window), oldest first. */
  private readonly recentByService = new Map<string, Remembered[]>();
  /** The last incidents of any service, for RELATED_TO / CAUSED_BY links. */
  private readonly recent: Remembered[] = [];

  constructor(private readonly options: DemoHistoryOptions) {
    this.key = historyKey(options);
    this.world = demoWorld(options.seed);
    this.popularity = new WeightedServices(this.world.services);
    this.starts = startTimes(options);
    this.until = options.until.getTime();
    this.from = this.until - options.years * YEAR;
  }

  incident(index: number): DemoIncident {
    const prng = Prng.of('incident', this.key, index);
    const incidentId = demoIncidentId(this.options, index);
    const startMs = this.starts[index];
    const progress = (startMs - this.from) / (this.until - this.from);
    const kind = this.kindAt(prng, startMs, progress);
    const service = this.popularity.pick(prng);
    let dependency = this.dependencyOf(prng, service);
    const severity = prng.weighted(SEVERITY_BY_KIND[kind]);
    const detectionSource = prng.weighted(DETECTION_BY_KIND[kind]);
    const experiment = kind === 'CHAOS_EXPERIMENT' || kind === 'GAME_DAY';

    // What failed: a repeat of a recent failure of the same service, or the service's weak spot.
    const links: PlannedLink[] = [];
    let category: FactorCategory;
    const earlier = this.recentOf(service.name, startMs);
    const repeatOf = !experiment && earlier.length > 0 && prng.chance(0.3) ? prng.pick(earlier) : undefined;
    if (repeatOf?.category) {
      category = repeatOf.category;
      if (prng.chance(0.7)) links.push({ related: repeatOf, relation: 'RECURRENCE_OF' });
    } else if (experiment) category = prng.weighted(EXPERIMENT_CATEGORIES);
    else category = prng.chance(0.45) ? service.weakSpot : prng.weighted(TRIGGER_CATEGORIES);
    this.otherLinks(prng, service, startMs, links);
    // A repeat is the same failure again: the same part, error, symptom and dependency.
    const signature: FailureSignature = repeatOf?.category
      ? repeatOf.signature
      : {
          symptom: prng.pick(texts.SYMPTOMS[category]),
          trigger: prng.pick(texts.FINDING_TEXTS[category]),
          dependency,
          part: prng.pick(texts.FAILURE_PARTS[category]),
          error: prng.pick(texts.FAILURE_ERRORS[category]),
        };
    dependency = signature.dependency;
    const triggerText = () =>
      `${texts.fill(prng, signature.trigger, service.name, dependency)} The ${signature.part} reported "${signature.error}".`;

    const title = this.titleOf(prng, kind, signature.symptom, service.name, dependency);
    const services = this.servicesOf(prng, service, dependency);
    const tags = this.tagsOf(prng, category, startMs);

    // Milestones (ms), by log-normal durations.
    const [detectMedian, detectSigma] = DETECT_DELAY[detectionSource];
    let detectMs = startMs + minutes(prng.logNormal(detectMedian, detectSigma));
    let reportMs: number;
    let ackMs: number | null = null;
    let mitigateMs: number | null = null;
    let resolveMs: number;
    if (kind === 'NEAR_MISS') {
      detectMs = startMs + minutes(prng.logNormal(120, 1.5));
      reportMs = detectMs + minutes(prng.logNormal(24 * 60, 1.2));
      if (prng.chance(0.3)) mitigateMs = detectMs + minutes(prng.logNormal(60, 1));
      resolveMs = (mitigateMs ?? detectMs) + minutes(prng.logNormal(4 * 60, 1.2));
    } else if (experiment) {
      reportMs = startMs + minutes(prng.logNormal(3, 0.5));
      if (prng.chance(0.5)) ackMs = detectMs + minutes(prng.int(1, 4));
      if (prng.chance(0.9)) mitigateMs = (ackMs ?? detectMs) + minutes(prng.logNormal(25, 0.5));
      resolveMs = (mitigateMs ?? detectMs) + minutes(prng.logNormal(kind === 'GAME_DAY' ? 150 : 60, 0.6));
    } else {
      reportMs = detectMs + minutes(prng.logNormal(detectionSource === 'MONITORING_ALERT' ? 2 : 10, 0.8));
      const ackChance = severity === 'SEV4' || severity === 'SEV5' ? 0.85 : 0.98;
      if (prng.chance(ackChance)) ackMs = detectMs + minutes(prng.logNormal(ACK_MEDIAN[severity], 0.9));
      if (prng.chance(severity === 'SEV5' ? 0.7 : 0.95))
        mitigateMs = (ackMs ?? detectMs) + minutes(prng.logNormal(MITIGATE_MEDIAN[severity], 1.0));
      resolveMs = (mitigateMs ?? ackMs ?? detectMs) + minutes(prng.logNormal(RESOLVE_MEDIAN[severity], 1.1));
    }
    // Every incident of the history is reported by its end (a late one with only what was known).
    reportMs = Math.min(reportMs, this.until);
    const detectedInReport =
      detectMs <= reportMs && (detectionSource === 'MONITORING_ALERT' || prng.chance(0.5));

    const plan: Array<Planned<IncidentCommandBody>> = [];
    const lag = (median = 3) => minutes(prng.logNormal(median, 1.0));
    const after = (ms: number, median = 3) => Math.max(ms, reportMs) + lag(median);
    plan.push({
      at: reportMs,
      command: {
        type: 'ReportIncident',
        title,
        summary: experiment
          ? null
          : prng.chance(0.4)
            ? `${texts.fill(prng, prng.pick(texts.POSTMORTEM_IMPACTS), service.name, dependency)}. The ${signature.part} reported "${signature.error}".`
            : prng.chance(0.5)
              ? `The ${signature.part} of ${service.name} reported "${signature.error}".`
              : null,
        kind,
        severity,
        services,
        tags,
        detectionSource,
        startedAt: iso(startMs),
        detectedAt: detectedInReport ? iso(detectMs) : null,
      },
    });
    const milestone = (name: Milestone, ms: number) =>
      plan.push({ at: after(ms), command: { type: 'RecordMilestone', milestone: name, at: iso(ms) } });
    if (!detectedInReport) milestone('DETECTED', detectMs);
    if (ackMs !== null) milestone('ACKNOWLEDGED', ackMs);
    if (mitigateMs !== null) milestone('MITIGATED', mitigateMs);
    milestone('RESOLVED', resolveMs);
    // A chaos experiment or game day: its hypothesis before it runs, its outcome once resolved.
    if (experiment)
      plan.push(
        ...experimentPlan(Prng.of('experiment', this.key, index), {
          category,
          service: service.name,
          dependency,
          services,
          startMs,
          planMs: reportMs + MINUTE,
          concludeMs: after(resolveMs) + MINUTE,
          resolveMs,
        }),
      );
    let settledMs = Math.max(...plan.map((p) => p.at));

    // Early corrections: the severity is re-assessed within the first hours.
    if (prng.chance(0.1)) {
      const step = prng.chance(0.35) ? -1 : 1;
      const next = Math.min(5, Math.max(1, Number(severity.slice(3)) + step));
      plan.push({ at: after(reportMs, 30), command: { type: 'ReviseIncident', severity: `SEV${next}` } });
    }
    // What was done, as it happened.
    const entries = this.timelineCount(prng, kind, severity);
    for (let n = 0; n < entries; n++) {
      const ms = startMs + Math.floor(prng.float() * Math.max(resolveMs - startMs, HOUR));
      plan.push({
        at: after(ms, 5),
        command: {
          type: 'AddTimelineEntry',
          at: iso(ms),
          text:
            n === 0 && !experiment
              ? `Alert fired for ${service.name}: "${signature.error}"`
              : texts.fill(prng, prng.pick(texts.TIMELINE_TEXTS), prng.pick(services), dependency),
        },
      });
    }
    // Links found while it runs.
    for (const link of links)
      plan.push({
        at: Math.max(reportMs, link.related.reportMs) + lag(60),
        command: {
          type: 'LinkIncidents',
          relation: link.relation,
          related: { id: link.related.id, startedAt: iso(link.related.startMs) },
        },
      });
    // A hypothesis recorded during the incident.
    const triggerEarly = kind === 'INCIDENT' && mitigateMs !== null && prng.chance(0.15);
    const triggerEarlyMs = triggerEarly ? after(mitigateMs!, 10) : 0;
    if (triggerEarly)
      plan.push({
        at: triggerEarlyMs,
        command: {
          type: 'RecordFinding',
          kind: 'TRIGGER',
          category,
          description: triggerText(),
        },
      });

    // Reopened: the fix did not hold.
    if (kind === 'INCIDENT' && prng.chance(0.02)) {
      const reopenMs = settledMs + minutes(prng.logNormal(6 * 60, 0.8));
      const resolvedAgainMs = reopenMs + minutes(prng.logNormal(3 * 60, 0.8));
      plan.push({
        at: reopenMs,
        command: { type: 'ReopenIncident', reason: prng.pick(texts.REOPEN_REASONS) },
      });
      plan.push({
        at: resolvedAgainMs + lag(),
        command: { type: 'RecordMilestone', milestone: 'RESOLVED', at: iso(resolvedAgainMs) },
      });
      settledMs = resolvedAgainMs + lag() + MINUTE;
    }

    // The review: findings, revisions, retractions, the postmortem.
    const reviewed = prng.chance(kind === 'NEAR_MISS' ? 0.7 : experiment ? 0.9 : REVIEW_CHANCE[severity]);
    const reviewMedianHours = experiment ? 2 : severity === 'SEV1' ? 12 : severity === 'SEV2' ? 24 : 48;
    // After everything of the response, so the review's findings follow the early one (ids f2, f3…).
    const reviewMs = Math.max(
      settledMs + minutes(prng.logNormal(reviewMedianHours * 60, 0.8)),
      triggerEarlyMs + MINUTE,
    );
    if (reviewed) {
      let ms = reviewMs;
      const findings = this.findingsOf(prng, kind, severity, category, triggerEarly);
      findings.forEach(([findingKind, findingCategory], n) => {
        ms += minutes(prng.logNormal(20, 1.0));
        plan.push({
          at: ms,
          command: {
            type: 'RecordFinding',
            kind: findingKind,
            category: findingCategory,
            description:
              findingKind === 'TRIGGER' && findingCategory === category
                ? triggerText()
                : texts.findingText(prng, findingKind, findingCategory, prng.pick(services), dependency),
          },
        });
        const ordinal = n + 1 + (triggerEarly ? 1 : 0);
        const findingId = `${incidentId}:f${ordinal}`;
        // Some findings are corrected later: an unknown category named, a wording, or retracted.
        const fate = prng.float();
        if (findingCategory === 'UNKNOWN' && fate < 0.5)
          plan.push({
            at: ms + minutes(prng.logNormal(3 * 24 * 60, 0.8)),
            command: { type: 'ReviseFinding', findingId, category: prng.weighted(TRIGGER_CATEGORIES) },
          });
        else if (fate < 0.02)
          plan.push({
            at: ms + minutes(prng.logNormal(24 * 60, 0.8)),
            command: {
              type: 'ReviseFinding',
              findingId,
              description: `${texts.findingText(prng, findingKind, findingCategory, service.name, dependency)} (Revised after the review meeting.)`,
            },
          });
        else if (ordinal > 1 && fate > 0.985)
          plan.push({
            at: ms + minutes(prng.logNormal(24 * 60, 1)),
            command: { type: 'RetractFinding', findingId, reason: prng.pick(texts.RETRACT_REASONS) },
          });
      });
      if (prng.chance(0.05))
        plan.push({
          at: ms + lag(30),
          command: { type: 'ReviseIncident', tags: [...new Set([...tags, 'postmortem'])] },
        });
      if (prng.chance(0.03))
        plan.push({
          at: ms + lag(30),
          command: {
            type: 'ReviseIncident',
            startedAt: iso(startMs - minutes(Math.min(120, prng.logNormal(20, 0.8)))),
          },
        });
      const postmortemChance =
        kind === 'NEAR_MISS'
          ? 0.3
          : kind === 'CHAOS_EXPERIMENT'
            ? 0.6
            : kind === 'GAME_DAY'
              ? 0.7
              : POSTMORTEM_CHANCE[severity];
      if (prng.chance(postmortemChance))
        plan.push({
          at: ms + minutes(prng.logNormal(2 * 24 * 60, 0.7)),
          command: {
            type: 'PublishPostmortem',
            summary: `${title}: ${texts.findingText(prng, 'LESSON_LEARNED', null, service.name, dependency)}`,
            impact: texts.fill(prng, prng.pick(texts.POSTMORTEM_IMPACTS), service.name, dependency),
          },
        });
    }

    const decided = this.decideIncident(incidentId, plan);
    const streams = [decided.stream];
    const finalState =
      decided.states.length > 0 ? decided.states[decided.states.length - 1].state : undefined;
    if (reviewed && reviewMs <= this.until) {
      const count = Math.min(10, this.actionItemCount(prng, kind, severity));
      for (let n = 0; n < count; n++) {
        const item = this.actionItem(prng, incidentId, index, n, decided.states, {
          service,
          dependency,
          severity,
          experiment,
          reviewMs,
        });
        if (item) streams.push(item);
      }
    }
    if (finalState?.exists)
      this.remember(incidentId, finalState.startedAt, reportMs, service, kind, decided, signature);
    return { index, incidentId, streams };
  }

  // ---- what the incident is ----

  private kindAt(prng: Prng, startMs: number, progress: number): IncidentKind {
    const date = new Date(startMs);
    const weekday = date.getUTCDay() >= 1 && date.getUTCDay() <= 5;
    const businessHours = weekday && date.getUTCHours() >= 9 && date.getUTCHours() < 17;
    const x = prng.float();
    if (businessHours && x < 0.05) return 'CHAOS_EXPERIMENT';
    if (businessHours && x < 0.07) return 'GAME_DAY';
    // Near-misses are reported more as the culture grows: 10% at the start, 20% at the end.
    return prng.chance(0.1 + 0.1 * progress) ? 'NEAR_MISS' : 'INCIDENT';
  }

  private dependencyOf(prng: Prng, service: DemoService): string {
    for (let attempt = 0; attempt < 5; attempt++) {
      const other = prng.chance(0.4)
        ? prng.pick(this.world.servicesByTeam.get(prng.pick(this.world.platformTeams)) ?? [service])
        : this.popularity.pick(prng);
      if (other.name !== service.name) return other.name;
    }
    return 'dns';
  }

  private servicesOf(prng: Prng, service: DemoService, dependency: string): string[] {
    const services = [service.name];
    if (prng.chance(0.25)) {
      const teammates = this.world.servicesByTeam.get(service.team) ?? [];
      for (const other of prng.sample(teammates, prng.int(1, 2))) services.push(other.name);
    }
    if (prng.chance(0.1)) services.push(dependency);
    return [...new Set(services)];
  }

  private tagsOf(prng: Prng, category: FactorCategory, startMs: number): string[] {
    const tags = prng.sample(texts.TAGS_BY_CATEGORY[category], prng.int(0, 2));
    if (prng.chance(0.2)) tags.push(prng.pick(texts.GENERAL_TAGS));
    const day = new Date(startMs).getUTCDay();
    if ((day === 0 || day === 6) && prng.chance(0.5)) tags.push('weekend');
    return [...new Set(tags)];
  }

  private titleOf(
    prng: Prng,
    kind: IncidentKind,
    symptom: string,
    service: string,
    dependency: string,
  ): string {
    const template =
      kind === 'CHAOS_EXPERIMENT'
        ? prng.pick(texts.CHAOS_TITLES)
        : kind === 'GAME_DAY'
          ? prng.pick(texts.GAME_DAY_TITLES)
          : symptom;
    const title = texts.fill(prng, template, service, dependency);
    return kind === 'NEAR_MISS' ? `Near miss: ${title}` : title;
  }

  private timelineCount(prng: Prng, kind: IncidentKind, severity: Severity): number {
    if (kind === 'NEAR_MISS') return prng.int(0, 2);
    if (kind !== 'INCIDENT') return prng.int(2, 5);
    const [min, max] = { SEV1: [5, 12], SEV2: [3, 8], SEV3: [2, 5], SEV4: [1, 3], SEV5: [0, 2] }[severity];
    return prng.int(min, max);
  }

  private findingsOf(
    prng: Prng,
    kind: IncidentKind,
    severity: Severity,
    trigger: FactorCategory,
    triggerRecorded: boolean,
  ): Array<[FindingKind, FactorCategory | null]> {
    const findings: Array<[FindingKind, FactorCategory | null]> = [];
    const add = (findingKind: FindingKind, count: number, category: () => FactorCategory | null) => {
      for (let n = 0; n < count; n++) findings.push([findingKind, category()]);
    };
    const contributing = () => prng.weighted(CONTRIBUTING_CATEGORIES);
    const sometimes = (p: number) => () => (prng.chance(p) ? contributing() : null);
    if (kind === 'INCIDENT') {
      if (!triggerRecorded && prng.chance(0.92)) add('TRIGGER', 1, () => trigger);
      add('CONTRIBUTING_FACTOR', Math.min(4, prng.poisson(CONTRIBUTING_MEAN[severity])), contributing);
      add('LESSON_LEARNED', Math.min(3, prng.poisson(0.9)), sometimes(0.25));
      add('WENT_WELL', Math.min(3, prng.poisson(0.7)), () => null);
      add('GOT_LUCKY', prng.chance(0.15) ? 1 : 0, sometimes(0.2));
    } else if (kind === 'NEAR_MISS') {
      add('TRIGGER', prng.chance(0.45) ? 1 : 0, () => trigger);
      add('CONTRIBUTING_FACTOR', Math.min(3, prng.poisson(0.8)), contributing);
      add('GOT_LUCKY', prng.chance(0.65) ? 1 : 0, sometimes(0.2));
      add('LESSON_LEARNED', prng.chance(0.7) ? 1 : 0, sometimes(0.25));
      add('WENT_WELL', prng.chance(0.3) ? 1 : 0, () => null);
    } else {
      add('WENT_WELL', prng.chance(0.85) ? prng.int(1, 2) : 0, () => null);
      add('LESSON_LEARNED', prng.chance(0.8) ? 1 : 0, sometimes(0.3));
      add('CONTRIBUTING_FACTOR', prng.chance(0.5) ? 1 : 0, () => trigger);
      add('TRIGGER', prng.chance(0.15) ? 1 : 0, () => trigger);
      add('GOT_LUCKY', prng.chance(0.05) ? 1 : 0, () => null);
    }
    if (findings.length === 0 && !triggerRecorded) findings.push(['LESSON_LEARNED', null]);
    return findings;
  }

  private actionItemCount(prng: Prng, kind: IncidentKind, severity: Severity): number {
    if (kind === 'NEAR_MISS') return prng.poisson(0.8);
    if (kind !== 'INCIDENT') return prng.poisson(1.5);
    return prng.poisson(ACTION_ITEM_MEAN[severity]) + (severity === 'SEV1' || severity === 'SEV2' ? 1 : 0);
  }

  // ---- links and recurrence ----

  /** Failures of the service within the recurrence window that started well before `startMs`. */
  private recentOf(service: string, startMs: number): Remembered[] {
    const list = this.recentByService.get(service);
    if (!list) return [];
    while (list.length > 0 && list[0].startMs < startMs - RECURRENCE_WINDOW_MS) list.shift();
    // Well before: a later correction may move this incident's start back by up to a few hours.
    return list.filter((r) => r.startMs < startMs - 6 * HOUR);
  }

  private otherLinks(prng: Prng, service: DemoService, startMs: number, links: PlannedLink[]): void {
    const candidates = this.recent.filter((r) => r.startMs < startMs);
    if (candidates.length === 0) return;
    if (prng.chance(0.05)) {
      const sameTeam = candidates.filter((r) => r.team === service.team);
      if (sameTeam.length > 0) links.push({ related: prng.pick(sameTeam), relation: 'RELATED_TO' });
    }
    if (prng.chance(0.02)) {
      const shortlyBefore = candidates.filter((r) => r.startMs >= startMs - 6 * HOUR);
      if (shortlyBefore.length > 0) links.push({ related: prng.pick(shortlyBefore), relation: 'CAUSED_BY' });
    }
    if (prng.chance(0.01)) {
      const same = candidates.filter((r) => r.service === service.name && r.startMs >= startMs - 12 * HOUR);
      if (same.length > 0) links.push({ related: same[same.length - 1], relation: 'DUPLICATE_OF' });
    }
  }

  private remember(
    id: string,
    startedAt: string,
    reportMs: number,
    service: DemoService,
    kind: IncidentKind,
    decided: DecidedIncident,
    signature: FailureSignature,
  ): void {
    if (kind === 'CHAOS_EXPERIMENT' || kind === 'GAME_DAY') return;
    const remembered: Remembered = {
      id,
      startMs: Date.parse(startedAt),
      reportMs,
      team: service.team,
      service: service.name,
      category: decided.triggerCategory,
      signature,
    };
    const list = this.recentByService.get(service.name) ?? [];
    list.push(remembered);
    this.recentByService.set(service.name, list);
    this.recent.push(remembered);
    if (this.recent.length > 300) this.recent.shift();
  }

  // ---- deciding ----

  private decideIncident(incidentId: string, plan: Array<Planned<IncidentCommandBody>>): DecidedIncident {
    const commands = plan
      .map((p, order) => ({ ...p, order }))
      .filter((p) => p.at <= this.until)
      .sort((a, b) => a.at - b.at || a.order - b.order)
      .map((p) => ({ at: p.at, command: { ...p.command, incidentId } }));
    const decided = this.decide(incidentStream, `incident-${incidentId}`, commands);
    let triggerCategory: FactorCategory | null = null;
    const last = decided.states[decided.states.length - 1]?.state;
    if (last?.exists)
      triggerCategory = last.findings.find((f) => f.kind === 'TRIGGER' && !f.retracted)?.category ?? null;
    return { ...decided, triggerCategory };
  }

  private actionItem(
    prng: Prng,
    incidentId: string,
    index: number,
    n: number,
    incidentStates: ReadonlyArray<{ at: number; state: IncidentState }>,
    context: {
      service: DemoService;
      dependency: string;
      severity: Severity;
      experiment: boolean;
      reviewMs: number;
    },
  ): DemoStream | undefined {
    const actionItemId = demoUuid(`${this.key}\nincident\n${index}\naction-item\n${n}`);
    // Opened during the review, on a finding recorded by then (most of the time) or on none.
    const openedMs = context.reviewMs + minutes(prng.logNormal(90, 1));
    if (openedMs > this.until) return undefined;
    let incident: IncidentState | undefined;
    for (const s of incidentStates) if (s.at <= openedMs) incident = s.state;
    if (!incident?.exists) return undefined;
    const findings = incident.findings.filter((f) => !f.retracted);
    const causal = findings.filter((f) => f.kind === 'TRIGGER' || f.kind === 'CONTRIBUTING_FACTOR');
    const finding = prng.chance(0.8)
      ? causal.length > 0 && prng.chance(0.8)
        ? prng.pick(causal)
        : findings.length > 0
          ? prng.pick(findings)
          : undefined
      : undefined;

    const category = finding?.category ?? null;
    const itemType = prng.weighted<ActionItemType>(
      (category ? ITEM_TYPE_BY_CATEGORY[category] : undefined) ?? ITEM_TYPE_DEFAULT,
    );
    const priority = prng.weighted(PRIORITY_BY_SEVERITY[context.severity]);
    const ownerTeam = this.ownerOf(prng, context.service, category);
    const dueMs = prng.chance(0.9)
      ? midnightAfter(openedMs + DUE_DAYS[priority] * DAY * prng.logNormal(1, 0.3))
      : null;
    const title = texts.fill(
      prng,
      prng.pick(texts.ACTION_ITEM_TITLES[itemType]),
      context.service.name,
      context.dependency,
    );

    const plan: Array<Planned<ActionItemCommand>> = [];
    const base = { actionItemId };
    plan.push({
      at: openedMs,
      command: {
        ...base,
        type: 'OpenActionItem',
        incident,
        // At most 10 per incident here, far below MAX_ACTION_ITEMS_PER_INCIDENT: the n-th is an upper bound.
        actionItemsOfIncident: n,
        incidentId,
        findingId: finding?.id ?? null,
        title,
        description: prng.chance(0.3) ? (finding?.description ?? null) : null,
        itemType,
        priority,
        ownerTeam,
        assignee: prng.chance(0.6) ? `eng-${String(prng.int(1, 800)).padStart(4, '0')}` : null,
        dueDate: dueMs === null ? null : iso(dueMs),
      },
    });
    if (prng.chance(0.08)) {
      const at = openedMs + minutes(prng.logNormal(5 * 24 * 60, 1));
      const change = prng.int(0, 2);
      plan.push({
        at,
        command:
          change === 0
            ? {
                ...base,
                type: 'UpdateActionItem',
                priority: priority === 'P1' ? 'P2' : `P${Number(priority[1]) - 1}`,
              }
            : change === 1 && dueMs !== null
              ? { ...base, type: 'UpdateActionItem', dueDate: iso(dueMs + 14 * DAY) }
              : { ...base, type: 'UpdateActionItem', ownerTeam: prng.pick(this.world.platformTeams) },
      });
    }
    const neverStarted = prng.chance(NEVER_STARTED[priority]);
    const dropped = prng.chance(DROPPED[priority]);
    const startMs = openedMs + minutes(prng.logNormal(START_DAYS[priority] * 24 * 60, 1));
    const doneMs = startMs + minutes(prng.logNormal(WORK_DAYS[priority] * 24 * 60, 1));
    if (dropped) {
      const dropMs = openedMs + minutes(prng.logNormal(30 * 24 * 60, 1));
      if (!neverStarted && startMs < dropMs)
        plan.push({ at: startMs, command: { ...base, type: 'StartActionItem' } });
      plan.push({
        at: dropMs,
        command: { ...base, type: 'DropActionItem', reason: prng.pick(texts.DROP_REASONS) },
      });
    } else if (!neverStarted) {
      plan.push({ at: startMs, command: { ...base, type: 'StartActionItem', note: null } });
      plan.push({
        at: doneMs,
        command: {
          ...base,
          type: 'CompleteActionItem',
          note: prng.chance(0.5) ? prng.pick(texts.COMPLETION_NOTES) : null,
        },
      });
      if (prng.chance(0.02)) {
        const reopenMs = doneMs + minutes(prng.logNormal(20 * 24 * 60, 1));
        plan.push({
          at: reopenMs,
          command: { ...base, type: 'ReopenActionItem', note: prng.pick(texts.ITEM_REOPEN_NOTES) },
        });
        plan.push({
          at: reopenMs + minutes(prng.logNormal(3 * 24 * 60, 1)),
          command: { ...base, type: 'StartActionItem', note: 'Picked up again' },
        });
      }
    }
    // The lifecycle stops at the end of the history: what would come later has not happened yet.
    const commands: Array<Planned<ActionItemCommand>> = [];
    for (const p of [...plan].sort((a, b) => a.at - b.at)) {
      if (p.at > this.until) break;
      commands.push(p);
    }
    return this.decide(actionItemStream, `action-item-${actionItemId}`, commands).stream;
  }

  private ownerOf(prng: Prng, service: DemoService, category: FactorCategory | null): string {
    const x = prng.float();
    if (x < 0.65) return service.team;
    if (x < 0.9)
      return (category && PLATFORM_TEAM_BY_CATEGORY[category]) ?? prng.pick(this.world.platformTeams);
    return prng.pick(this.world.teams);
  }

  /** Folds the commands through the stream's decider at their simulated times, with metadata. */
  private decide<Command, Event extends { type: string; data: unknown }, State>(
    definition: StreamDefinition<Command, Event, State>,
    streamId: string,
    commands: ReadonlyArray<Planned<Command>>,
  ): { stream: DemoStream; states: Array<{ at: number; state: State }> } {
    let state = definition.initialState;
    const events: EventToAppend[] = [];
    const states: Array<{ at: number; state: State }> = [];
    const versions = definition.catalogue.versions as Record<string, number>;
    const eventId = uuidSequence(`${this.key}\n${streamId}\nevent`);
    const correlationIdOf = uuidSequence(`${this.key}\n${streamId}\ncorrelation`);
    for (const { at, command } of commands) {
      const now = new Date(at);
      const decided = definition.decide(command, state, now);
      if (decided.length === 0) continue;
      const correlationId = correlationIdOf(events.length);
      const occurredAt = now.toISOString();
      decided.forEach((event, i) => {
        const id = eventId(events.length);
        const metadata: EventMetadata = {
          actor: SEED_ACTOR,
          correlationId,
          causationId: i > 0 && definition.causedByPrevious?.(event) ? events[events.length - 1].id : null,
          occurredAt,
          schemaVersion: versions[event.type],
        };
        events.push({ id, type: event.type, data: event.data as JsonValue, metadata });
        state = definition.evolve(state, event);
      });
      states.push({ at, state });
    }
    return { stream: { streamId, events }, states };
  }
}

interface DecidedIncident {
  readonly stream: DemoStream;
  readonly states: Array<{ at: number; state: IncidentState }>;
  readonly triggerCategory: FactorCategory | null;
}

function minutes(value: number): number {
  return Math.round(value * MINUTE);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function midnightAfter(ms: number): number {
  return Math.ceil(ms / DAY) * DAY;
}

/** What an experiment of each category breaks on purpose. */
const EXPERIMENT_FAULTS: Partial<Record<FactorCategory, string>> = {
  MONITORING_GAP: 'silently returns stale data',
  CAPACITY: 'gets twice its usual peak load',
  PROCESS: 'is failed over by the runbook alone',
  DEPENDENCY: 'becomes unavailable',
  INFRASTRUCTURE: 'loses one of its nodes',
};

/** HELD most of the time; REFUTED a third of the time, the cheapest failure there is; some ABORTED. */
const EXPERIMENT_OUTCOMES: Record<ExperimentOutcome, number> = { HELD: 55, REFUTED: 35, ABORTED: 10 };

/**
 * The plan (revised now and then before it runs) and the conclusion of a chaos experiment or game
 * day, from a PRNG of its own so the rest of the history stays as it was.
 */
function experimentPlan(
  prng: Prng,
  at: {
    category: FactorCategory;
    service: string;
    dependency: string;
    services: readonly string[];
    startMs: number;
    planMs: number;
    concludeMs: number;
    resolveMs: number;
  },
): Array<Planned<IncidentCommandBody>> {
  const fault = EXPERIMENT_FAULTS[at.category] ?? 'fails';
  const plan = (steadyState: string): IncidentCommandBody => ({
    type: 'PlanExperiment',
    hypothesis: `${at.service} keeps its steady state when ${at.dependency} ${fault}`,
    steadyState,
    blastRadius: [...at.services],
    abortConditions: `error rate of ${at.service} above 2 % for 5 minutes`,
    plannedFor: iso(at.startMs),
  });
  const planned: Array<Planned<IncidentCommandBody>> = [
    { at: at.planMs, command: plan(`${at.service} p99 under 300 ms and error rate under 0.1 %`) },
  ];
  if (prng.chance(0.2))
    planned.push({
      at: at.planMs + MINUTE,
      command: plan(`${at.service} p99 under 500 ms and error rate under 0.5 %`),
    });
  const outcome = prng.weighted(EXPERIMENT_OUTCOMES);
  const observations =
    outcome === 'HELD'
      ? `${at.service} stayed within its steady state; ${at.dependency} recovered on its own`
      : outcome === 'REFUTED'
        ? `${at.service} left its steady state within ${prng.int(1, 9)} minutes: ${at.dependency} ${fault} and nothing failed over`
        : `Stopped early: the abort condition was met before the steady state could be judged`;
  planned.push({
    at: at.concludeMs,
    command: { type: 'ConcludeExperiment', outcome, observations, concludedAt: iso(at.resolveMs) },
  });
  return planned;
}
