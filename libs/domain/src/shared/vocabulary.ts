/**
 * The product's vocabulary, as in the GraphQL contract. Each list is the source of truth for its
 * type, its validation and the GraphQL enum built from it later.
 */
export const INCIDENT_KINDS = ['INCIDENT', 'NEAR_MISS', 'CHAOS_EXPERIMENT', 'GAME_DAY'] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];
/** The kinds that run a hypothesis (planExperiment, concludeExperiment). */
export const EXPERIMENT_KINDS: readonly IncidentKind[] = ['CHAOS_EXPERIMENT', 'GAME_DAY'];

/** HELD: the steady state held; REFUTED: it broke (the hypothesis was wrong); ABORTED: stopped early. */
export const EXPERIMENT_OUTCOMES = ['HELD', 'REFUTED', 'ABORTED'] as const;
export type ExperimentOutcome = (typeof EXPERIMENT_OUTCOMES)[number];

export const SEVERITIES = ['SEV1', 'SEV2', 'SEV3', 'SEV4', 'SEV5'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** OPEN -> MITIGATED -> RESOLVED -> IN_REVIEW -> CLOSED (postmortem published). Reopen goes back to OPEN. */
export const INCIDENT_STATUSES = ['OPEN', 'MITIGATED', 'RESOLVED', 'IN_REVIEW', 'CLOSED'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const DETECTION_SOURCES = [
  'MONITORING_ALERT',
  'CUSTOMER_REPORT',
  'INTERNAL_REPORT',
  'CHAOS_EXPERIMENT',
  'AUDIT',
  'OTHER',
] as const;
export type DetectionSource = (typeof DETECTION_SOURCES)[number];

export const FINDING_KINDS = [
  'TRIGGER',
  'CONTRIBUTING_FACTOR',
  'LESSON_LEARNED',
  'WENT_WELL',
  'GOT_LUCKY',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];
/** Finding kinds that name a cause, and so need a factor category. */
export const CAUSAL_FINDING_KINDS: readonly FindingKind[] = ['TRIGGER', 'CONTRIBUTING_FACTOR'];

export const FACTOR_CATEGORIES = [
  'CODE_CHANGE',
  'CONFIG_CHANGE',
  'INFRASTRUCTURE',
  'DEPENDENCY',
  'CAPACITY',
  'NETWORK',
  'HARDWARE',
  'DATA',
  'USER_BEHAVIOR',
  'SECURITY',
  'PROCESS',
  'MONITORING_GAP',
  'UNKNOWN',
] as const;
export type FactorCategory = (typeof FACTOR_CATEGORIES)[number];

export const LINK_RELATIONS = ['RECURRENCE_OF', 'RELATED_TO', 'DUPLICATE_OF', 'CAUSED_BY'] as const;
export type LinkRelation = (typeof LINK_RELATIONS)[number];

/** In the order they must happen: startedAt ≤ detected ≤ acknowledged ≤ mitigated ≤ resolved. */
export const MILESTONES = ['DETECTED', 'ACKNOWLEDGED', 'MITIGATED', 'RESOLVED'] as const;
export type Milestone = (typeof MILESTONES)[number];

export const ACTION_ITEM_TYPES = [
  'INVESTIGATE',
  'DETECT',
  'MITIGATE',
  'REPAIR',
  'PREVENT',
  'PROCESS',
] as const;
export type ActionItemType = (typeof ACTION_ITEM_TYPES)[number];

export const ACTION_ITEM_STATUSES = ['OPEN', 'IN_PROGRESS', 'DONE', 'WONT_DO'] as const;
export type ActionItemStatus = (typeof ACTION_ITEM_STATUSES)[number];

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** The roles of API keys, in the contract's enum order (which is not their order of privilege). */
export const ROLES = ['VIEWER', 'CONTRIBUTOR', 'ANALYST', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
/** Least to most privileged; each role includes every role before it (docs/architecture.md, "Roles"). */
export const ROLES_BY_PRIVILEGE: readonly Role[] = ['VIEWER', 'ANALYST', 'CONTRIBUTOR', 'ADMIN'];
