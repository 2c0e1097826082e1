import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { LIMITS } from '@kb/domain';
import type {
  DetectionSource,
  ExperimentOutcome,
  FactorCategory,
  FindingKind,
  IncidentKind,
  IncidentStatus,
  LinkRelation,
  Severity,
} from '@kb/domain';
import {
  DetectionSourceEnum,
  FactorCategoryEnum,
  FindingKindEnum,
  IncidentKindEnum,
  IncidentStatusEnum,
  LinkRelationEnum,
  SeverityEnum,
} from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

/**
 * An incident, near-miss, chaos experiment or game day. Its scalar fields are the read model's row
 * (`IncidentRow`); timeline, findings, action items, links, postmortem and history are resolved by
 * IncidentFieldsResolver.
 */
@ObjectType()
export class Incident {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: "Revision of the incident's stream after its last event (0-based)." })
  revision!: number;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => IncidentKindEnum)
  kind!: IncidentKind;

  @Field(() => SeverityEnum)
  severity!: Severity;

  @Field(() => IncidentStatusEnum)
  status!: IncidentStatus;

  @Field(() => [String], { description: `1 to ${LIMITS.servicesMax} service names.` })
  services!: string[];

  @Field(() => [String], { description: `Up to ${LIMITS.tagsMax} tags.` })
  tags!: string[];

  @Field(() => DetectionSourceEnum)
  detectionSource!: DetectionSource;

  @Field(() => DateTimeScalar)
  startedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  detectedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  acknowledgedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  mitigatedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  resolvedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  closedAt!: string | null;

  @Field(() => DateTimeScalar)
  reportedAt!: string;

  @Field(() => DateTimeScalar)
  updatedAt!: string;

  postmortemSummary!: string | null;
  postmortemImpact!: string | null;
  postmortemPublishedAt!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      'When the postmortem is due: set when a SEV1 or SEV2 incident of kind INCIDENT is first resolved, by the postmortem policy, and kept after publication; null when none is expected.',
  })
  postmortemDueAt!: string | null;

  /** The deadline its overdue reminder was written for (the deadline watcher's bookkeeping). */
  postmortemOverdueFor!: string | null;

  /** The experiment's columns, resolved as `experiment` (IncidentExperimentResolver). */
  experimentHypothesis!: string | null;
  experimentSteadyState!: string | null;
  experimentBlastRadius!: string[] | null;
  experimentAbortConditions!: string | null;
  experimentPlannedFor!: string | null;
  experimentOutcome!: ExperimentOutcome | null;
  experimentObservations!: string | null;
  experimentConcludedAt!: string | null;

  /** Set on an incident as known at an earlier instant: its nested rows, folded from its events. */
  asOf?: IncidentSnapshot;
}

/** The nested rows of an incident folded from its events (up to `at`), instead of the read model's. */
export interface IncidentSnapshot {
  /** Absent when folded from every event (a write answered before the read models caught up). */
  readonly at?: string;
  readonly timeline: TimelineEntry[];
  readonly findings: Finding[];
  readonly links: IncidentLink[];
}

@ObjectType()
export class TimelineEntry {
  @Field(() => ID)
  id!: string;

  @Field(() => DateTimeScalar)
  at!: string;

  @Field()
  text!: string;
}

@ObjectType()
export class Finding {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  incidentId!: string;

  @Field(() => FindingKindEnum)
  kind!: FindingKind;

  @Field(() => FactorCategoryEnum, {
    nullable: true,
    description: 'Required for TRIGGER and CONTRIBUTING_FACTOR.',
  })
  category!: FactorCategory | null;

  @Field()
  description!: string;

  @Field()
  retracted!: boolean;

  @Field(() => DateTimeScalar)
  recordedAt!: string;
}

@ObjectType()
export class IncidentLink {
  @Field(() => LinkRelationEnum)
  relation!: LinkRelation;

  relatedIncidentId!: string;
}

@ObjectType()
export class Postmortem {
  @Field()
  summary!: string;

  @Field()
  impact!: string;

  @Field(() => DateTimeScalar)
  publishedAt!: string;
}
