import { INCIDENT_STREAM_PREFIX } from '@kb/domain';
import type { EntityManager } from 'typeorm';
import { CAUSAL_FINDING_KINDS, type IncidentRevised, type Milestone } from '@kb/domain';
import { byKey, loadRowsWhereIn, replaceRowGroups, upsertRows } from '../../projector/batch-rows';
import {
  isIncidentEvent,
  type ProjectedEvent,
  type ProjectedIncidentEvent,
} from '../../projector/projected-event';
import type { Projection } from '../../projector/projection';
import { isoTime } from '../../read-model-time';
import { refreshRecurrence } from './recurrence-pairs';
import {
  IncidentFactFactorCategoryRow,
  IncidentFactFindingRow,
  IncidentFactRecurrenceLinkRow,
  IncidentFactRow,
  IncidentFactServiceRow,
  IncidentFactTagRow,
} from './incident-fact.entity';

const MILESTONE_COLUMNS = {
  DETECTED: 'detectedAtMs',
  ACKNOWLEDGED: 'acknowledgedAtMs',
  MITIGATED: 'mitigatedAtMs',
  RESOLVED: 'resolvedAtMs',
} as const satisfies Record<Milestone, keyof IncidentFactRow>;

type Event<Type extends ProjectedIncidentEvent['type']> = Extract<ProjectedIncidentEvent, { type: Type }>;
type Times = Pick<
  IncidentFactRow,
  'startedAtMs' | 'detectedAtMs' | 'acknowledgedAtMs' | 'mitigatedAtMs' | 'resolvedAtMs'
>;
/** A child row that repeats the incident's started_at (as text and as epoch ms). */
type DatedChild = { incidentId: string; startedAt: string; startedAtMs: number };
type StartedAt = Pick<DatedChild, 'startedAt' | 'startedAtMs'>;

const FINDING_EVENTS = new Set<ProjectedIncidentEvent['type']>([
  'FindingRecorded',
  'FindingRevised',
  'FindingRetracted',
]);

/**
 * The incident fact table and its dimension tables, for the report queries. Like the incident
 * projection, an event is applied only when its revision is above the fact row's, and child rows are
 * replaced or upserted, so redelivery and rebuilds give the same rows; nothing comes from the clock.
 *
 * A batch loads the rows its events need (one query per table), folds the events into them in
 * memory and writes each changed row or group of rows once; `apply` is a batch of one.
 */
export class IncidentFactsProjection implements Projection {
  readonly name = 'incident-facts';
  readonly streamPrefixes = [INCIDENT_STREAM_PREFIX];
  readonly tables = [
    'incident_fact_recurrence_pair_names',
    'incident_fact_recurrence_pairs',
    'incident_fact_recurrence_links',
    'incident_fact_findings',
    'incident_fact_factor_categories',
    'incident_fact_tags',
    'incident_fact_services',
    'incident_facts',
  ];

  apply(manager: EntityManager, event: ProjectedEvent): Promise<void> {
    return this.applyBatch(manager, [event]);
  }

  async applyBatch(manager: EntityManager, events: readonly ProjectedEvent[]): Promise<void> {
    const incidentEvents = events.filter(isIncidentEvent);
    if (incidentEvents.length === 0) return;
    const batch = await FactBatch.load(manager, incidentEvents);
    for (const event of incidentEvents) batch.apply(event);
    await batch.write(manager);
  }
}

/** A group of child rows per incident: those loaded or replaced, and which of them changed. */
class Groups<Row> {
  readonly changed = new Map<string, Row[]>();

  constructor(private readonly known: Map<string, Row[]>) {}

  static of<Row extends { incidentId: string }>(rows: readonly Row[], incidentIds: Iterable<string>) {
    const known = new Map<string, Row[]>([...incidentIds].map((id) => [id, []]));
    for (const row of rows) known.get(row.incidentId)?.push(row);
    return new Groups(known);
  }

  /** The incident's rows; only for an incident the batch loaded them for (or replaced them). */
  get(incidentId: string): Row[] {
    const rows = this.known.get(incidentId);
    if (!rows) throw new Error(`The rows of incident ${incidentId} were not loaded for this batch.`);
    return rows;
  }

  replace(incidentId: string, rows: Row[]): void {
    this.known.set(incidentId, rows);
    this.changed.set(incidentId, rows);
  }

  /** The incident's rows when the batch loaded or replaced them; undefined otherwise. */
  ifKnown(incidentId: string): Row[] | undefined {
    return this.known.get(incidentId);
  }

  touch(incidentId: string): void {
    this.changed.set(incidentId, this.get(incidentId));
  }
}

/** The rows a batch of incident events touches: loaded once, changed in memory, written once. */
class FactBatch {
  private readonly changedFacts = new Set<string>();
  private readonly changedFindings = new Map<string, IncidentFactFindingRow>();
  private readonly recurrenceLinks = new Map<string, IncidentFactRecurrenceLinkRow>();

  /** Incidents without a fact row before the batch: they have no child rows either. */
  private readonly absent: Set<string>;

  private constructor(
    incidentIds: readonly string[],
    private readonly facts: Map<string, IncidentFactRow>,
    private readonly services: Groups<IncidentFactServiceRow>,
    private readonly tags: Groups<IncidentFactTagRow>,
    private readonly categories: Groups<IncidentFactFactorCategoryRow>,
    /** The findings of the incidents with finding events in the batch. */
    private readonly findings: Groups<IncidentFactFindingRow>,
  ) {
    this.absent = new Set(incidentIds.filter((id) => !facts.has(id)));
  }

  static async load(manager: EntityManager, events: readonly ProjectedIncidentEvent[]): Promise<FactBatch> {
    const incidentsOf = (pick: (e: ProjectedIncidentEvent) => boolean) =>
      new Set(events.filter(pick).map((e) => e.data.incidentId));
    // A new startedAt is copied into every dated child row: those incidents' rows are needed.
    const redated = incidentsOf(
      (e) => e.type === 'IncidentRevised' && e.data.changes.startedAt !== undefined,
    );
    const withFindings = incidentsOf((e) => FINDING_EVENTS.has(e.type));
    const incidentIds = events.map((e) => e.data.incidentId);
    const facts = await loadRowsWhereIn(manager, IncidentFactRow, 'incidentId', incidentIds);
    const dated = <Row extends DatedChild>(rows: Row[]) => Groups.of(rows, redated);
    return new FactBatch(
      incidentIds,
      byKey(facts, (row) => row.incidentId),
      dated(await loadRowsWhereIn(manager, IncidentFactServiceRow, 'incidentId', redated)),
      dated(await loadRowsWhereIn(manager, IncidentFactTagRow, 'incidentId', redated)),
      dated(await loadRowsWhereIn(manager, IncidentFactFactorCategoryRow, 'incidentId', redated)),
      Groups.of(
        await loadRowsWhereIn(manager, IncidentFactFindingRow, 'incidentId', withFindings),
        withFindings,
      ),
    );
  }

  apply(event: ProjectedIncidentEvent): void {
    if (event.type === 'IncidentReported') return this.reported(event);
    const fact = this.facts.get(event.data.incidentId);
    // No report before it (a truncated stream): nothing to attach the event to.
    if (!fact || fact.revision >= event.revision) return;
    let changes: Partial<IncidentFactRow> = {};
    switch (event.type) {
      case 'IncidentRevised':
        changes = this.revised(fact, event.data.changes);
        break;
      case 'MilestoneRecorded':
        changes = withDurations(fact, { [MILESTONE_COLUMNS[event.data.milestone]]: epochMs(event.data.at) });
        break;
      case 'IncidentStatusChanged':
        changes = { status: event.data.to };
        break;
      case 'IncidentReopened':
        changes = { status: 'OPEN' };
        break;
      case 'FindingRecorded': {
        const finding: IncidentFactFindingRow = {
          findingId: event.data.findingId,
          incidentId: fact.incidentId,
          kind: event.data.kind,
          category: event.data.category,
          retracted: false,
        };
        const findings = this.findings.get(fact.incidentId);
        const at = findings.findIndex((f) => f.findingId === finding.findingId);
        if (at >= 0) findings[at] = finding;
        else findings.push(finding);
        this.changedFindings.set(finding.findingId, finding);
        changes = this.refreshFactorCategories(fact);
        break;
      }
      case 'FindingRevised': {
        const { kind, category } = event.data.changes;
        const finding = this.finding(fact, event.data.findingId);
        if (finding) {
          if (kind !== undefined) finding.kind = kind;
          if (category !== undefined) finding.category = category;
        }
        changes = this.refreshFactorCategories(fact);
        break;
      }
      case 'FindingRetracted': {
        const finding = this.finding(fact, event.data.findingId);
        if (finding) finding.retracted = true;
        changes = this.refreshFactorCategories(fact);
        break;
      }
      case 'IncidentsLinked':
        if (event.data.relation === 'RECURRENCE_OF') {
          const link = { incidentId: fact.incidentId, relatedIncidentId: event.data.relatedIncidentId };
          this.recurrenceLinks.set(JSON.stringify([link.incidentId, link.relatedIncidentId]), link);
        }
        break;
      case 'PostmortemPublished':
        // The first publication is when the incident's lesson was written (the learning report);
        // one published again after a reopen does not move it.
        if (fact.postmortemPublishedAtMs === null)
          changes = { postmortemPublishedAtMs: epochMs(event.data.publishedAt) };
        break;
      case 'PostmortemDueSet':
        changes = { postmortemDueAtMs: epochMs(event.data.dueAt) };
        break;
      case 'ExperimentConcluded':
        changes = {
          experimentOutcome: event.data.outcome,
          experimentConcludedAtMs: epochMs(event.data.concludedAt),
        };
        break;
      case 'TimelineEntryAdded':
      case 'ExperimentPlanned':
      case 'PostmortemOverdue':
        // No report reads them: a plan is not an outcome, and a reminder is derived from the
        // deadline the learning report already compares with asOf.
        break;
      default:
        return assertNever(event);
    }
    Object.assign(fact, changes, { revision: event.revision });
    this.changedFacts.add(fact.incidentId);
  }

  async write(manager: EntityManager): Promise<void> {
    const facts = [...this.changedFacts].map((id) => this.facts.get(id) as IncidentFactRow);
    await upsertRows(manager, IncidentFactRow, facts);
    await replaceRowGroups(manager, IncidentFactServiceRow, 'incidentId', this.services.changed, this.absent);
    await replaceRowGroups(manager, IncidentFactTagRow, 'incidentId', this.tags.changed, this.absent);
    await replaceRowGroups(
      manager,
      IncidentFactFactorCategoryRow,
      'incidentId',
      this.categories.changed,
      this.absent,
    );
    await upsertRows(manager, IncidentFactFindingRow, [...this.changedFindings.values()]);
    await upsertRows(manager, IncidentFactRecurrenceLinkRow, [...this.recurrenceLinks.values()]);
    // Services, categories and startedAt are what a pair is made of.
    await refreshRecurrence(
      manager,
      new Set([...this.services.changed.keys(), ...this.categories.changed.keys()]),
      new Set([...this.recurrenceLinks.values()].map((link) => link.incidentId)),
      (incidentId) => (this.facts.get(incidentId) as IncidentFactRow).startedAtMs,
      (incidentId) =>
        this.absent.has(incidentId)
          ? {
              // New in this batch: its services were replaced by its report; categories only by
              // finding events of this batch (none before it).
              services: this.services.get(incidentId).map((row) => row.service),
              categories: this.categories.ifKnown(incidentId)?.map((row) => row.category) ?? [],
            }
          : undefined,
    );
  }

  private reported(event: Event<'IncidentReported'>): void {
    const d = event.data;
    const existing = this.facts.get(d.incidentId);
    if (existing && existing.revision >= event.revision) return;
    const startedAt = isoTime(d.startedAt);
    const times: Times = {
      startedAtMs: epochMs(startedAt),
      detectedAtMs: d.detectedAt === null ? null : epochMs(d.detectedAt),
      acknowledgedAtMs: null,
      mitigatedAtMs: null,
      resolvedAtMs: null,
    };
    this.facts.set(d.incidentId, {
      incidentId: d.incidentId,
      revision: event.revision,
      kind: d.kind,
      severity: d.severity,
      status: 'OPEN',
      detectionSource: d.detectionSource,
      startedAt,
      ...times,
      ...durationsOf(times),
      postmortemPublishedAtMs: null,
      postmortemDueAtMs: null,
      experimentOutcome: null,
      experimentConcludedAtMs: null,
      hasCategorisedFinding: false,
      recurs: false,
    });
    this.changedFacts.add(d.incidentId);
    const started = { startedAt, startedAtMs: times.startedAtMs };
    this.replaceServices(d.incidentId, d.services, started);
    this.replaceTags(d.incidentId, d.tags, started);
  }

  private revised(
    fact: IncidentFactRow,
    revision: IncidentRevised['data']['changes'],
  ): Partial<IncidentFactRow> {
    const changes: Partial<IncidentFactRow> = {};
    if (revision.severity !== undefined) changes.severity = revision.severity;
    if (revision.detectionSource !== undefined) changes.detectionSource = revision.detectionSource;
    const startedAt = revision.startedAt === undefined ? fact.startedAt : isoTime(revision.startedAt);
    const started = { startedAt, startedAtMs: epochMs(startedAt) };
    if (startedAt !== fact.startedAt) {
      Object.assign(changes, { startedAt }, withDurations(fact, { startedAtMs: started.startedAtMs }));
      for (const children of [this.services, this.tags, this.categories] as Array<Groups<DatedChild>>) {
        for (const child of children.get(fact.incidentId)) Object.assign(child, started);
        children.touch(fact.incidentId);
      }
    }
    if (revision.services !== undefined) this.replaceServices(fact.incidentId, revision.services, started);
    if (revision.tags !== undefined) this.replaceTags(fact.incidentId, revision.tags, started);
    return changes;
  }

  private finding(fact: IncidentFactRow, findingId: string): IncidentFactFindingRow | undefined {
    const finding = this.findings.get(fact.incidentId).find((f) => f.findingId === findingId);
    if (finding) this.changedFindings.set(findingId, finding);
    return finding;
  }

  /** Derives the incident's factor categories again from its findings (after any finding event). */
  private refreshFactorCategories(fact: IncidentFactRow): Partial<IncidentFactRow> {
    const categories = new Set(
      this.findings
        .get(fact.incidentId)
        .filter((f) => !f.retracted && CAUSAL_FINDING_KINDS.includes(f.kind))
        .flatMap((f) => (f.category === null ? [] : [f.category])),
    );
    const rows = [...categories].map((category) => ({
      incidentId: fact.incidentId,
      category,
      startedAt: fact.startedAt,
      startedAtMs: fact.startedAtMs,
    }));
    this.categories.replace(fact.incidentId, rows);
    return { hasCategorisedFinding: rows.length > 0 };
  }

  private replaceServices(incidentId: string, services: readonly string[], started: StartedAt): void {
    const rows = [...new Set(services)].map((service) => ({ incidentId, service, ...started }));
    this.services.replace(incidentId, rows);
  }

  private replaceTags(incidentId: string, tags: readonly string[], started: StartedAt): void {
    this.tags.replace(
      incidentId,
      [...new Set(tags)].map((tag) => ({ incidentId, tag, ...started })),
    );
  }
}

/** The changed times with every duration recomputed from them and the fact's other times. */
function withDurations(fact: IncidentFactRow, changed: Partial<Times>): Partial<IncidentFactRow> {
  const times: Times = {
    startedAtMs: fact.startedAtMs,
    detectedAtMs: fact.detectedAtMs,
    acknowledgedAtMs: fact.acknowledgedAtMs,
    mitigatedAtMs: fact.mitigatedAtMs,
    resolvedAtMs: fact.resolvedAtMs,
    ...changed,
  };
  return { ...changed, ...durationsOf(times) };
}

/** Seconds from startedAt to each milestone (the contract's DurationStats), null while it is missing. */
function durationsOf(times: Times) {
  const since = (ms: number | null) => (ms === null ? null : (ms - times.startedAtMs) / 1000);
  return {
    detectSeconds: since(times.detectedAtMs),
    acknowledgeSeconds: since(times.acknowledgedAtMs),
    mitigateSeconds: since(times.mitigatedAtMs),
    resolveSeconds: since(times.resolvedAtMs),
  };
}

function epochMs(time: string): number {
  return Date.parse(isoTime(time));
}

function assertNever(event: never): never {
  throw new Error(`Unknown event: ${JSON.stringify(event)}`);
}
