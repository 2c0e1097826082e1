import type {
  DetectionSource,
  ExperimentOutcome,
  FactorCategory,
  FindingKind,
  IncidentKind,
  IncidentStatus,
  LinkRelation,
  Milestone,
  Severity,
} from '../shared/vocabulary';
import type { IncidentEvent } from './incident.events';

export interface FindingState {
  readonly id: string;
  readonly kind: FindingKind;
  readonly category: FactorCategory | null;
  readonly description: string;
  readonly retracted: boolean;
}

/** A chaos experiment's or game day's plan, and its outcome once concluded. */
export interface ExperimentState {
  readonly hypothesis: string;
  readonly steadyState: string;
  readonly blastRadius: readonly string[];
  readonly abortConditions: string | null;
  readonly plannedFor: string | null;
  readonly outcome: ExperimentOutcome | null;
  readonly observations: string | null;
  readonly concludedAt: string | null;
}

export interface IncidentDetails {
  readonly id: string;
  readonly title: string;
  readonly summary: string | null;
  readonly kind: IncidentKind;
  readonly severity: Severity;
  readonly services: readonly string[];
  readonly tags: readonly string[];
  readonly detectionSource: DetectionSource;
  readonly startedAt: string;
  readonly reportedAt: string;
  readonly status: IncidentStatus;
  readonly milestones: Readonly<Record<Milestone, string | null>>;
  readonly findings: readonly FindingState[];
  readonly timelineEntries: number;
  readonly links: ReadonlyArray<{ readonly relatedIncidentId: string; readonly relation: LinkRelation }>;
  readonly postmortemPublishedAt: string | null;
  /** Set by the postmortem policy when first resolved (PostmortemDueSet); null when none is expected. */
  readonly postmortemDueAt: string | null;
  /** The deadlines PostmortemOverdue was recorded for (each once). */
  readonly postmortemOverdueFor: readonly string[];
  /** Null until planned (kinds CHAOS_EXPERIMENT and GAME_DAY only). */
  readonly experiment: ExperimentState | null;
  /** Events of the stream so far, of every type (for MAX_EVENTS_PER_INCIDENT). */
  readonly eventCount: number;
}

/** What the rules of an incident need to know, folded from its events. */
export type IncidentState = { readonly exists: false } | ({ readonly exists: true } & IncidentDetails);

export const initialIncidentState: IncidentState = { exists: false };

export function evolveIncident(state: IncidentState, event: IncidentEvent): IncidentState {
  if (event.type === 'IncidentReported') {
    const d = event.data;
    return {
      exists: true,
      id: d.incidentId,
      title: d.title,
      summary: d.summary,
      kind: d.kind,
      severity: d.severity,
      services: d.services,
      tags: d.tags,
      detectionSource: d.detectionSource,
      startedAt: d.startedAt,
      reportedAt: d.reportedAt,
      status: 'OPEN',
      milestones: { DETECTED: d.detectedAt, ACKNOWLEDGED: null, MITIGATED: null, RESOLVED: null },
      findings: [],
      timelineEntries: 0,
      links: [],
      postmortemPublishedAt: null,
      postmortemDueAt: null,
      postmortemOverdueFor: [],
      experiment: null,
      eventCount: 1,
    };
  }
  // Every other event follows IncidentReported; on a stream without it, it cannot be applied.
  if (!state.exists) return state;
  return { ...applyChange(state, event), eventCount: state.eventCount + 1 };
}

type ExistingIncident = { readonly exists: true } & IncidentDetails;

function applyChange(
  state: ExistingIncident,
  event: Exclude<IncidentEvent, { type: 'IncidentReported' }>,
): ExistingIncident {
  switch (event.type) {
    case 'IncidentRevised':
      return { ...state, ...event.data.changes };
    case 'MilestoneRecorded':
      return { ...state, milestones: { ...state.milestones, [event.data.milestone]: event.data.at } };
    case 'IncidentStatusChanged':
      return { ...state, status: event.data.to };
    case 'IncidentReopened':
      return { ...state, status: 'OPEN' };
    case 'TimelineEntryAdded':
      return { ...state, timelineEntries: state.timelineEntries + 1 };
    case 'FindingRecorded': {
      const { findingId, kind, category, description } = event.data;
      return {
        ...state,
        findings: [...state.findings, { id: findingId, kind, category, description, retracted: false }],
      };
    }
    case 'FindingRevised':
      return {
        ...state,
        findings: state.findings.map((f) =>
          f.id === event.data.findingId ? { ...f, ...event.data.changes } : f,
        ),
      };
    case 'FindingRetracted':
      return {
        ...state,
        findings: state.findings.map((f) => (f.id === event.data.findingId ? { ...f, retracted: true } : f)),
      };
    case 'IncidentsLinked':
      return {
        ...state,
        links: [
          ...state.links,
          { relatedIncidentId: event.data.relatedIncidentId, relation: event.data.relation },
        ],
      };
    case 'PostmortemPublished':
      return { ...state, postmortemPublishedAt: event.data.publishedAt };
    case 'ExperimentPlanned': {
      const { incidentId: _incidentId, ...plan } = event.data;
      return {
        ...state,
        experiment: { ...plan, outcome: null, observations: null, concludedAt: null },
      };
    }
    case 'ExperimentConcluded': {
      const { outcome, observations, concludedAt } = event.data;
      if (!state.experiment) return state;
      return { ...state, experiment: { ...state.experiment, outcome, observations, concludedAt } };
    }
    case 'PostmortemDueSet':
      return { ...state, postmortemDueAt: event.data.dueAt };
    case 'PostmortemOverdue':
      return { ...state, postmortemOverdueFor: [...state.postmortemOverdueFor, event.data.dueAt] };
    default:
      return assertNever(event);
  }
}

function assertNever(event: never): never {
  throw new Error(`Unknown incident event: ${JSON.stringify(event)}`);
}
