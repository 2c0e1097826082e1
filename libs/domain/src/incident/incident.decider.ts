import { onlyChanged } from '../shared/changes';
import { DomainRuleError, EntityNotFoundError } from '../shared/domain-errors';
import {
  checkFreeText,
  checkFutureInstant,
  checkInstant,
  checkOneOf,
  checkOptionalFreeText,
  checkServices,
  checkTags,
  checkTitle,
} from '../shared/input-limits';
import {
  MAX_EVENTS_PER_INCIDENT,
  MAX_FINDINGS_PER_INCIDENT,
  MAX_LINKS_PER_INCIDENT,
  MAX_TIMELINE_ENTRIES_PER_INCIDENT,
  withinStreamCap,
} from '../shared/stream-limits';
import {
  CAUSAL_FINDING_KINDS,
  DETECTION_SOURCES,
  EXPERIMENT_KINDS,
  EXPERIMENT_OUTCOMES,
  FACTOR_CATEGORIES,
  FINDING_KINDS,
  INCIDENT_KINDS,
  LINK_RELATIONS,
  MILESTONES,
  SEVERITIES,
  type DetectionSource,
  type ExperimentOutcome,
  type FactorCategory,
  type FindingKind,
  type IncidentKind,
  type IncidentStatus,
  type LinkRelation,
  type Milestone,
  type Severity,
} from '../shared/vocabulary';
import type {
  ExperimentPlanned,
  FindingRevised,
  IncidentEvent,
  IncidentRevised,
  IncidentStatusChanged,
} from './incident.events';
import { findingIdOf, incidentIdOfFinding, timelineEntryIdOf } from './incident.ids';
import type { IncidentDetails, IncidentState } from './incident.state';
import {
  DEFAULT_POSTMORTEM_POLICY,
  postmortemDueAt,
  postmortemPolicyDays,
  type PostmortemPolicy,
} from './postmortem-policy';

/**
 * The commands of an incident stream. Inputs arrive as the API received them (strings for enums and
 * times); `decide` validates them, applies the rules, and returns the events to append, or throws a
 * DomainRuleError / EntityNotFoundError. It is pure: ids and the clock come in with the command.
 */
export type IncidentCommand = { incidentId: string } & (
  | {
      type: 'ReportIncident';
      title: string;
      summary?: string | null;
      kind: string;
      severity: string;
      services: readonly string[];
      tags?: readonly string[] | null;
      detectionSource: string;
      startedAt: string;
      detectedAt?: string | null;
    }
  | {
      type: 'ReviseIncident';
      title?: string | null;
      summary?: string | null;
      severity?: string | null;
      services?: readonly string[] | null;
      tags?: readonly string[] | null;
      detectionSource?: string | null;
      startedAt?: string | null;
    }
  | {
      type: 'RecordMilestone';
      milestone: string;
      at: string;
      /**
       * The deployment's postmortem policy, filled by the write path from its configuration (never
       * by the caller); the default one when absent.
       */
      postmortemPolicy?: PostmortemPolicy | null;
    }
  | { type: 'ReopenIncident'; reason: string }
  | { type: 'AddTimelineEntry'; at: string; text: string }
  | { type: 'RecordFinding'; kind: string; category?: string | null; description: string }
  | {
      type: 'ReviseFinding';
      findingId: string;
      kind?: string | null;
      category?: string | null;
      description?: string | null;
    }
  | { type: 'RetractFinding'; findingId: string; reason: string }
  | {
      type: 'LinkIncidents';
      relation: string;
      /** The other incident, as its own stream shows it (the handler reads that stream). */
      related: { id: string; startedAt: string | null };
    }
  | { type: 'PublishPostmortem'; summary: string; impact: string }
  | {
      type: 'PlanExperiment';
      hypothesis: string;
      steadyState: string;
      /** Services the experiment may affect: named like `services`. */
      blastRadius: readonly string[];
      abortConditions?: string | null;
      plannedFor?: string | null;
    }
  | { type: 'ConcludeExperiment'; outcome: string; observations: string; concludedAt: string }
  /** The deadline watcher's reminder: the postmortem's deadline passed with none published. */
  | { type: 'RecordPostmortemOverdue' }
);

export function decideIncident(command: IncidentCommand, state: IncidentState, now: Date): IncidentEvent[] {
  if (command.type === 'ReportIncident') return report(command, state, now);
  if (!state.exists) throw new EntityNotFoundError('Incident', command.incidentId, 'incidentId');
  return withinStreamCap(
    decideChange(command, state, now),
    state.eventCount,
    MAX_EVENTS_PER_INCIDENT,
    'incidentId',
    "an incident's stream",
  );
}

function decideChange(
  command: Exclude<IncidentCommand, { type: 'ReportIncident' }>,
  state: IncidentDetails,
  now: Date,
): IncidentEvent[] {
  switch (command.type) {
    case 'ReviseIncident':
      return revise(command, state, now);
    case 'RecordMilestone':
      return recordMilestone(command, state, now);
    case 'ReopenIncident': {
      const reason = checkFreeText('reason', command.reason, true);
      if (state.status === 'OPEN')
        throw new DomainRuleError(null, 'The incident is already OPEN; only a later status can be reopened.');
      return [
        { type: 'IncidentReopened', data: { incidentId: state.id, reason, previousStatus: state.status } },
      ];
    }
    case 'AddTimelineEntry': {
      checkCap('timeline entries', state.timelineEntries, MAX_TIMELINE_ENTRIES_PER_INCIDENT);
      const at = checkInstant('at', command.at, now);
      const text = checkFreeText('text', command.text, true);
      const entryId = timelineEntryIdOf(state.id, state.timelineEntries + 1);
      return [{ type: 'TimelineEntryAdded', data: { incidentId: state.id, entryId, at, text } }];
    }
    case 'RecordFinding':
      return recordFinding(command, state);
    case 'ReviseFinding':
      return reviseFinding(command, state);
    case 'RetractFinding': {
      const finding = activeFinding(state, command.findingId);
      const reason = checkFreeText('reason', command.reason, true);
      return [{ type: 'FindingRetracted', data: { incidentId: state.id, findingId: finding.id, reason } }];
    }
    case 'LinkIncidents':
      return link(command, state);
    case 'PublishPostmortem': {
      const summary = checkFreeText('summary', command.summary, true);
      const impact = checkFreeText('impact', command.impact, true);
      if (state.status !== 'RESOLVED' && state.status !== 'IN_REVIEW')
        throw new DomainRuleError(
          null,
          `A postmortem can be published once the incident is RESOLVED or IN_REVIEW; it is ${state.status}.`,
        );
      if (!state.findings.some((f) => !f.retracted))
        throw new DomainRuleError(
          null,
          'A postmortem needs at least one finding that is not retracted; record one first.',
        );
      return [
        {
          type: 'PostmortemPublished',
          data: { incidentId: state.id, summary, impact, publishedAt: now.toISOString() },
        },
        statusChange(state, 'CLOSED'),
      ];
    }
    case 'PlanExperiment':
      return planExperiment(command, state);
    case 'ConcludeExperiment':
      return concludeExperiment(command, state, now);
    case 'RecordPostmortemOverdue':
      return postmortemOverdue(state, now);
    default:
      return assertNever(command);
  }
}

function report(
  command: Extract<IncidentCommand, { type: 'ReportIncident' }>,
  state: IncidentState,
  now: Date,
): IncidentEvent[] {
  if (state.exists)
    throw new DomainRuleError('incidentId', `an incident with the id '${command.incidentId}' already exists`);
  const startedAt = checkInstant('startedAt', command.startedAt, now);
  const detectedAt = command.detectedAt == null ? null : checkInstant('detectedAt', command.detectedAt, now);
  if (detectedAt !== null && detectedAt < startedAt)
    throw new DomainRuleError('detectedAt', `must not be before startedAt (${startedAt})`);
  return [
    {
      type: 'IncidentReported',
      data: {
        incidentId: command.incidentId,
        title: checkTitle('title', command.title),
        summary: checkOptionalFreeText('summary', command.summary),
        kind: checkOneOf<IncidentKind>('kind', command.kind, INCIDENT_KINDS),
        severity: checkOneOf<Severity>('severity', command.severity, SEVERITIES),
        services: checkServices(command.services),
        tags: checkTags(command.tags ?? []),
        detectionSource: checkOneOf<DetectionSource>(
          'detectionSource',
          command.detectionSource,
          DETECTION_SOURCES,
        ),
        startedAt,
        detectedAt,
        reportedAt: now.toISOString(),
      },
    },
  ];
}

function revise(
  command: Extract<IncidentCommand, { type: 'ReviseIncident' }>,
  state: IncidentDetails,
  now: Date,
): IncidentEvent[] {
  const given: IncidentRevised['data']['changes'] = {};
  if (command.title != null) given.title = checkTitle('title', command.title);
  if (command.summary !== undefined) given.summary = checkOptionalFreeText('summary', command.summary);
  if (command.severity != null)
    given.severity = checkOneOf<Severity>('severity', command.severity, SEVERITIES);
  if (command.services != null) given.services = checkServices(command.services);
  if (command.tags != null) given.tags = checkTags(command.tags);
  if (command.detectionSource != null)
    given.detectionSource = checkOneOf<DetectionSource>(
      'detectionSource',
      command.detectionSource,
      DETECTION_SOURCES,
    );
  if (command.startedAt != null) {
    given.startedAt = checkInstant('startedAt', command.startedAt, now);
    checkTimeOrder('startedAt', { ...state.milestones }, given.startedAt);
    const concludedAt = state.experiment?.concludedAt;
    if (concludedAt && given.startedAt > concludedAt)
      throw new DomainRuleError(
        'startedAt',
        `must not be after the experiment's concludedAt (${concludedAt})`,
      );
  }
  if (Object.keys(given).length === 0)
    throw new DomainRuleError(
      null,
      'Give at least one field to change (title, summary, severity, services, tags, detectionSource, startedAt).',
    );
  const changes = onlyChanged(given, state);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'IncidentRevised', data: { incidentId: state.id, changes } }];
}

function recordMilestone(
  command: Extract<IncidentCommand, { type: 'RecordMilestone' }>,
  state: IncidentDetails,
  now: Date,
): IncidentEvent[] {
  const milestone = checkOneOf<Milestone>('milestone', command.milestone, MILESTONES);
  const at = checkInstant('at', command.at, now);
  checkTimeOrder('at', { ...state.milestones, [milestone]: at }, state.startedAt, milestone);
  const events: IncidentEvent[] = [
    {
      type: 'MilestoneRecorded',
      data: { incidentId: state.id, milestone, at, previousAt: state.milestones[milestone] },
    },
  ];
  const to = statusAfterMilestone(state.status, milestone);
  if (to !== state.status) events.push(statusChange(state, to));
  // The postmortem policy: a deadline when the incident is first resolved, never moved afterwards
  // (a corrected resolution time, a reopening or a new severity leave it as it was set).
  const days = postmortemPolicyDays(
    command.postmortemPolicy ?? DEFAULT_POSTMORTEM_POLICY,
    state.kind,
    state.severity,
  );
  if (
    milestone === 'RESOLVED' &&
    state.milestones.RESOLVED === null &&
    state.postmortemDueAt === null &&
    days !== null
  )
    events.push({
      type: 'PostmortemDueSet',
      data: { incidentId: state.id, dueAt: postmortemDueAt(at, days), resolvedAt: at, policyDays: days },
    });
  return events;
}

/** Once per deadline, and only once it has passed with no postmortem published. */
function postmortemOverdue(state: IncidentDetails, now: Date): IncidentEvent[] {
  const dueAt = state.postmortemDueAt;
  if (dueAt === null)
    throw new DomainRuleError(null, 'The incident has no postmortem deadline: no postmortem is expected.');
  if (state.postmortemPublishedAt !== null)
    throw new DomainRuleError(null, `The postmortem was published (${state.postmortemPublishedAt}).`);
  if (state.postmortemOverdueFor.includes(dueAt))
    throw new DomainRuleError(null, `The postmortem was already recorded overdue for its deadline ${dueAt}.`);
  if (Date.parse(dueAt) >= now.getTime())
    throw new DomainRuleError(null, `The postmortem is due at ${dueAt}; that has not passed yet.`);
  return [{ type: 'PostmortemOverdue', data: { incidentId: state.id, dueAt } }];
}

/** Milestones move an incident forward, never back: MITIGATED from OPEN, RESOLVED from OPEN or MITIGATED. */
function statusAfterMilestone(status: IncidentStatus, milestone: Milestone): IncidentStatus {
  if (milestone === 'MITIGATED' && status === 'OPEN') return 'MITIGATED';
  if (milestone === 'RESOLVED' && (status === 'OPEN' || status === 'MITIGATED')) return 'RESOLVED';
  return status;
}

function recordFinding(
  command: Extract<IncidentCommand, { type: 'RecordFinding' }>,
  state: IncidentDetails,
): IncidentEvent[] {
  checkCap('findings (retracted ones count)', state.findings.length, MAX_FINDINGS_PER_INCIDENT);
  const kind = checkOneOf<FindingKind>('kind', command.kind, FINDING_KINDS);
  const category =
    command.category == null
      ? null
      : checkOneOf<FactorCategory>('category', command.category, FACTOR_CATEGORIES);
  checkCategoryFor(kind, category);
  const description = checkFreeText('description', command.description, true);
  const findingId = findingIdOf(state.id, state.findings.length + 1);
  const events: IncidentEvent[] = [
    { type: 'FindingRecorded', data: { incidentId: state.id, findingId, kind, category, description } },
  ];
  if (state.status === 'RESOLVED') events.push(statusChange(state, 'IN_REVIEW'));
  return events;
}

function reviseFinding(
  command: Extract<IncidentCommand, { type: 'ReviseFinding' }>,
  state: IncidentDetails,
): IncidentEvent[] {
  const finding = activeFinding(state, command.findingId);
  const given: FindingRevised['data']['changes'] = {};
  if (command.kind != null) given.kind = checkOneOf<FindingKind>('kind', command.kind, FINDING_KINDS);
  if (command.category !== undefined)
    given.category =
      command.category === null
        ? null
        : checkOneOf<FactorCategory>('category', command.category, FACTOR_CATEGORIES);
  if (command.description != null)
    given.description = checkFreeText('description', command.description, true);
  if (Object.keys(given).length === 0)
    throw new DomainRuleError(null, 'Give at least one field to change (kind, category, description).');
  checkCategoryFor(
    given.kind ?? finding.kind,
    given.category === undefined ? finding.category : given.category,
  );
  const changes = onlyChanged(given, finding);
  if (Object.keys(changes).length === 0) return [];
  return [{ type: 'FindingRevised', data: { incidentId: state.id, findingId: finding.id, changes } }];
}

function link(
  command: Extract<IncidentCommand, { type: 'LinkIncidents' }>,
  state: IncidentDetails,
): IncidentEvent[] {
  checkCap('links', state.links.length, MAX_LINKS_PER_INCIDENT);
  const relation = checkOneOf<LinkRelation>('relation', command.relation, LINK_RELATIONS);
  const related = command.related;
  if (related.id === state.id)
    throw new DomainRuleError('relatedIncidentId', 'an incident cannot be linked to itself');
  if (related.startedAt === null) throw new EntityNotFoundError('Incident', related.id, 'relatedIncidentId');
  if (state.links.some((l) => l.relatedIncidentId === related.id && l.relation === relation))
    throw new DomainRuleError('relatedIncidentId', `the incidents are already linked ${relation}`);
  if (relation === 'RECURRENCE_OF' && !(related.startedAt < state.startedAt))
    throw new DomainRuleError(
      'relatedIncidentId',
      `RECURRENCE_OF must point to an incident that started earlier (it started ${related.startedAt}, this one ${state.startedAt})`,
    );
  return [
    { type: 'IncidentsLinked', data: { incidentId: state.id, relatedIncidentId: related.id, relation } },
  ];
}

function planExperiment(
  command: Extract<IncidentCommand, { type: 'PlanExperiment' }>,
  state: IncidentDetails,
): IncidentEvent[] {
  checkExperimentKind(state);
  if (state.experiment?.outcome)
    throw new DomainRuleError(
      'incidentId',
      `the experiment was concluded ${state.experiment.outcome} at ${state.experiment.concludedAt}; its plan can no longer be revised (report a new experiment to run it again)`,
    );
  const plan: ExperimentPlanned['data'] = {
    incidentId: state.id,
    hypothesis: checkFreeText('hypothesis', command.hypothesis, true),
    steadyState: checkFreeText('steadyState', command.steadyState, true),
    blastRadius: checkServices(command.blastRadius, 'blastRadius'),
    abortConditions: checkOptionalFreeText('abortConditions', command.abortConditions),
    plannedFor: command.plannedFor == null ? null : checkFutureInstant('plannedFor', command.plannedFor),
  };
  // Planned again with the same plan: nothing to replace.
  if (
    state.experiment &&
    Object.keys(onlyChanged(plan, { ...state.experiment, incidentId: state.id })).length === 0
  )
    return [];
  return [{ type: 'ExperimentPlanned', data: plan }];
}

function concludeExperiment(
  command: Extract<IncidentCommand, { type: 'ConcludeExperiment' }>,
  state: IncidentDetails,
  now: Date,
): IncidentEvent[] {
  checkExperimentKind(state);
  const experiment = state.experiment;
  if (!experiment)
    throw new DomainRuleError(
      'incidentId',
      'the experiment has no plan yet: write its hypothesis with planExperiment before concluding it',
    );
  if (experiment.outcome)
    throw new DomainRuleError(
      'incidentId',
      `the experiment was already concluded ${experiment.outcome} at ${experiment.concludedAt}; an experiment is concluded once`,
    );
  const outcome = checkOneOf<ExperimentOutcome>('outcome', command.outcome, EXPERIMENT_OUTCOMES);
  const observations = checkFreeText('observations', command.observations, true);
  const concludedAt = checkInstant('concludedAt', command.concludedAt, now);
  if (concludedAt < state.startedAt)
    throw new DomainRuleError('concludedAt', `must not be before startedAt (${state.startedAt})`);
  const events: IncidentEvent[] = [
    { type: 'ExperimentConcluded', data: { incidentId: state.id, outcome, observations, concludedAt } },
  ];
  // A refuted hypothesis is a weakness found: it goes to review, as a finding on a resolved incident does.
  if (outcome === 'REFUTED' && REVIEWABLE_AFTER_REFUTATION.includes(state.status))
    events.push(statusChange(state, 'IN_REVIEW'));
  return events;
}

const REVIEWABLE_AFTER_REFUTATION: readonly IncidentStatus[] = ['OPEN', 'MITIGATED', 'RESOLVED'];

/** Only chaos experiments and game days have a hypothesis to plan and conclude. */
function checkExperimentKind(state: IncidentDetails): void {
  if (!EXPERIMENT_KINDS.includes(state.kind))
    throw new DomainRuleError(
      'incidentId',
      `experiments are planned and concluded only on incidents of kind ${EXPERIMENT_KINDS.join(' or ')}; this one is ${state.kind}`,
    );
}

// ---- rules shared by several commands ----------------------------------------------------------

/** Refuses adding one more of something an incident already holds `count` of, at most `max`. */
function checkCap(what: string, count: number, max: number): void {
  if (count >= max)
    throw new DomainRuleError(
      'incidentId',
      `an incident holds at most ${max} ${what}; this one has ${count}`,
    );
}

const TIME_ORDER: ReadonlyArray<'startedAt' | Milestone> = ['startedAt', ...MILESTONES];

/**
 * startedAt ≤ detectedAt ≤ acknowledgedAt ≤ mitigatedAt ≤ resolvedAt, among the times that are set.
 * `changed` names the time being set, so the refusal says which neighbour it crosses.
 */
function checkTimeOrder(
  field: string,
  milestones: Record<Milestone, string | null>,
  startedAt: string,
  changed: 'startedAt' | Milestone = 'startedAt',
): void {
  const times: Record<'startedAt' | Milestone, string | null> = { startedAt, ...milestones };
  const index = TIME_ORDER.indexOf(changed);
  const mine = times[changed]!;
  for (let i = 0; i < TIME_ORDER.length; i++) {
    const other = times[TIME_ORDER[i]];
    if (other === null || i === index) continue;
    if (i < index && other > mine)
      throw new DomainRuleError(field, `must not be before ${label(TIME_ORDER[i])} (${other})`);
    if (i > index && other < mine)
      throw new DomainRuleError(field, `must not be after ${label(TIME_ORDER[i])} (${other})`);
  }
}

function label(time: 'startedAt' | Milestone): string {
  return time === 'startedAt' ? 'startedAt' : `${time.toLowerCase()}At`;
}

function checkCategoryFor(kind: FindingKind, category: FactorCategory | null): void {
  if (category === null && CAUSAL_FINDING_KINDS.includes(kind))
    throw new DomainRuleError(
      'category',
      `is required for ${kind} findings: name the kind of factor (e.g. CONFIG_CHANGE)`,
    );
}

function activeFinding(state: IncidentDetails, findingId: string) {
  const finding =
    incidentIdOfFinding(findingId) === state.id ? state.findings.find((f) => f.id === findingId) : undefined;
  if (!finding) throw new EntityNotFoundError('Finding', findingId, 'findingId');
  if (finding.retracted)
    throw new DomainRuleError('findingId', 'the finding was retracted; record a new one instead');
  return finding;
}

function statusChange(state: IncidentDetails, to: IncidentStatus): IncidentStatusChanged {
  return { type: 'IncidentStatusChanged', data: { incidentId: state.id, from: state.status, to } };
}

function assertNever(command: never): never {
  throw new Error(`Unknown incident command: ${JSON.stringify(command)}`);
}
