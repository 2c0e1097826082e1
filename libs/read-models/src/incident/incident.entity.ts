import { Column, Entity, PrimaryColumn } from 'typeorm';
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

/**
 * One incident as the queries read it. Times are ISO-8601 UTC strings with milliseconds (see
 * read-model-time.ts); services and tags are JSON arrays in the order given, and are also kept in
 * incident_services / incident_tags for filtering and grouping.
 */
@Entity('incidents')
export class IncidentRow {
  @PrimaryColumn('text')
  id!: string;

  /** Revision of the incident stream's last event applied here (0-based). */
  @Column('integer')
  revision!: number;

  @Column('text')
  title!: string;

  @Column('text', { nullable: true })
  summary!: string | null;

  @Column('text')
  kind!: IncidentKind;

  @Column('text')
  severity!: Severity;

  @Column('text')
  status!: IncidentStatus;

  @Column('simple-json')
  services!: string[];

  @Column('simple-json')
  tags!: string[];

  @Column('text', { name: 'detection_source' })
  detectionSource!: DetectionSource;

  @Column('text', { name: 'started_at' })
  startedAt!: string;

  @Column('text', { name: 'detected_at', nullable: true })
  detectedAt!: string | null;

  @Column('text', { name: 'acknowledged_at', nullable: true })
  acknowledgedAt!: string | null;

  @Column('text', { name: 'mitigated_at', nullable: true })
  mitigatedAt!: string | null;

  @Column('text', { name: 'resolved_at', nullable: true })
  resolvedAt!: string | null;

  @Column('text', { name: 'closed_at', nullable: true })
  closedAt!: string | null;

  @Column('text', { name: 'reported_at' })
  reportedAt!: string;

  /** recordedAt of the last event applied. */
  @Column('text', { name: 'updated_at' })
  updatedAt!: string;

  @Column('text', { name: 'postmortem_summary', nullable: true })
  postmortemSummary!: string | null;

  @Column('text', { name: 'postmortem_impact', nullable: true })
  postmortemImpact!: string | null;

  @Column('text', { name: 'postmortem_published_at', nullable: true })
  postmortemPublishedAt!: string | null;

  /** The experiment's plan (kinds CHAOS_EXPERIMENT and GAME_DAY): null until planned. */
  @Column('text', { name: 'experiment_hypothesis', nullable: true })
  experimentHypothesis!: string | null;

  @Column('text', { name: 'experiment_steady_state', nullable: true })
  experimentSteadyState!: string | null;

  /** JSON array of service names, in the order given. */
  @Column('simple-json', { name: 'experiment_blast_radius', nullable: true })
  experimentBlastRadius!: string[] | null;

  @Column('text', { name: 'experiment_abort_conditions', nullable: true })
  experimentAbortConditions!: string | null;

  @Column('text', { name: 'experiment_planned_for', nullable: true })
  experimentPlannedFor!: string | null;

  /** The experiment's conclusion: null until concluded. */
  @Column('text', { name: 'experiment_outcome', nullable: true })
  experimentOutcome!: ExperimentOutcome | null;

  @Column('text', { name: 'experiment_observations', nullable: true })
  experimentObservations!: string | null;

  @Column('text', { name: 'experiment_concluded_at', nullable: true })
  experimentConcludedAt!: string | null;

  /** The postmortem policy's deadline (PostmortemDueSet); null when no postmortem is expected. */
  @Column('text', { name: 'postmortem_due_at', nullable: true })
  postmortemDueAt!: string | null;

  /** The deadline a PostmortemOverdue reminder was written for (the deadline watcher's candidates have none). */
  @Column('text', { name: 'postmortem_overdue_for', nullable: true })
  postmortemOverdueFor!: string | null;
}

@Entity('incident_services')
export class IncidentServiceRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  service!: string;
}

@Entity('incident_tags')
export class IncidentTagRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  tag!: string;
}

@Entity('findings')
export class FindingRow {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  /** Revision of the event that recorded it: the order findings were recorded in. */
  @Column('integer', { name: 'stream_revision' })
  streamRevision!: number;

  @Column('text')
  kind!: FindingKind;

  @Column('text', { nullable: true })
  category!: FactorCategory | null;

  @Column('text')
  description!: string;

  @Column('boolean')
  retracted!: boolean;

  @Column('text', { name: 'recorded_at' })
  recordedAt!: string;
}

@Entity('timeline_entries')
export class TimelineEntryRow {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  @Column('integer', { name: 'stream_revision' })
  streamRevision!: number;

  @Column('text')
  at!: string;

  @Column('text')
  text!: string;
}

/** A link as recorded on the incident that names it; the other incident's stream does not hold it. */
@Entity('incident_links')
export class IncidentLinkRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text', { name: 'related_incident_id' })
  relatedIncidentId!: string;

  @PrimaryColumn('text')
  relation!: LinkRelation;

  @Column('text', { name: 'linked_at' })
  linkedAt!: string;
}

export const INCIDENT_ENTITIES = [
  IncidentRow,
  IncidentServiceRow,
  IncidentTagRow,
  FindingRow,
  TimelineEntryRow,
  IncidentLinkRow,
];
