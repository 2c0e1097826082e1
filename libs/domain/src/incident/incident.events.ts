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

/**
 * The events of an incident stream (`incident-<uuid>`), as stored and as integrations receive them.
 * Names are past tense and never change; payloads are plain JSON (times are RFC 3339 UTC strings).
 * The schema version of each is in the event metadata (`schemaVersion`); docs/events.md lists them.
 */
export type IncidentEvent =
  | IncidentReported
  | IncidentRevised
  | MilestoneRecorded
  | IncidentStatusChanged
  | IncidentReopened
  | TimelineEntryAdded
  | FindingRecorded
  | FindingRevised
  | FindingRetracted
  | IncidentsLinked
  | PostmortemPublished
  | ExperimentPlanned
  | ExperimentConcluded
  | PostmortemDueSet
  | PostmortemOverdue;

export type IncidentEventType = IncidentEvent['type'];

export interface IncidentReported {
  type: 'IncidentReported';
  data: {
    incidentId: string;
    title: string;
    summary: string | null;
    kind: IncidentKind;
    severity: Severity;
    services: string[];
    tags: string[];
    detectionSource: DetectionSource;
    startedAt: string;
    detectedAt: string | null;
    reportedAt: string;
  };
}

/** Only the fields present changed. */
export interface IncidentRevised {
  type: 'IncidentRevised';
  data: {
    incidentId: string;
    changes: {
      title?: string;
      summary?: string | null;
      severity?: Severity;
      services?: string[];
      tags?: string[];
      detectionSource?: DetectionSource;
      startedAt?: string;
    };
  };
}

/** A milestone's time. Recorded again, it is a correction: `previousAt` holds the time it replaces. */
export interface MilestoneRecorded {
  type: 'MilestoneRecorded';
  data: { incidentId: string; milestone: Milestone; at: string; previousAt: string | null };
}

/** The status moved because of another event of the stream (its id is this event's causationId). */
export interface IncidentStatusChanged {
  type: 'IncidentStatusChanged';
  data: { incidentId: string; from: IncidentStatus; to: IncidentStatus };
}

export interface IncidentReopened {
  type: 'IncidentReopened';
  data: { incidentId: string; reason: string; previousStatus: IncidentStatus };
}

export interface TimelineEntryAdded {
  type: 'TimelineEntryAdded';
  data: { incidentId: string; entryId: string; at: string; text: string };
}

/**
 * Version 2. Version 1 let `category` be left out when a finding had none; version 2 always holds
 * it (null when none). The upcaster in incident.catalogue.ts reads version 1 as version 2.
 */
export interface FindingRecorded {
  type: 'FindingRecorded';
  data: {
    incidentId: string;
    findingId: string;
    kind: FindingKind;
    category: FactorCategory | null;
    description: string;
  };
}

/** Only the fields present changed; `category: null` removes the category. */
export interface FindingRevised {
  type: 'FindingRevised';
  data: {
    incidentId: string;
    findingId: string;
    changes: { kind?: FindingKind; category?: FactorCategory | null; description?: string };
  };
}

/** The finding stays in the history but counts nowhere. */
export interface FindingRetracted {
  type: 'FindingRetracted';
  data: { incidentId: string; findingId: string; reason: string };
}

export interface IncidentsLinked {
  type: 'IncidentsLinked';
  data: { incidentId: string; relatedIncidentId: string; relation: LinkRelation };
}

export interface PostmortemPublished {
  type: 'PostmortemPublished';
  data: { incidentId: string; summary: string; impact: string; publishedAt: string };
}

/**
 * A chaos experiment's or game day's plan, written before it runs. Planned again (until concluded),
 * it replaces the whole plan.
 */
export interface ExperimentPlanned {
  type: 'ExperimentPlanned';
  data: {
    incidentId: string;
    hypothesis: string;
    steadyState: string;
    blastRadius: string[];
    abortConditions: string | null;
    plannedFor: string | null;
  };
}

/** The experiment's outcome, once. A REFUTED one is followed by IncidentStatusChanged to IN_REVIEW. */
export interface ExperimentConcluded {
  type: 'ExperimentConcluded';
  data: { incidentId: string; outcome: ExperimentOutcome; observations: string; concludedAt: string };
}

/**
 * The postmortem policy's deadline, set when a SEV1 or SEV2 incident of kind INCIDENT is first
 * resolved: `resolvedAt` plus the policy's days for its severity at that moment. Kept afterwards.
 */
export interface PostmortemDueSet {
  type: 'PostmortemDueSet';
  data: { incidentId: string; dueAt: string; resolvedAt: string; policyDays: number };
}

/**
 * The deadline passed with no postmortem published: appended once per deadline by the deadline
 * watcher (its event id is derived from the incident and `dueAt`).
 */
export interface PostmortemOverdue {
  type: 'PostmortemOverdue';
  data: { incidentId: string; dueAt: string };
}

export const incidentStreamId = (incidentId: string) => `incident-${incidentId}`;
export const INCIDENT_STREAM_PREFIX = 'incident-';
