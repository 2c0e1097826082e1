import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type {
  DetectionSource,
  ExperimentOutcome,
  FactorCategory,
  FindingKind,
  IncidentKind,
  IncidentStatus,
  Severity,
} from '@kb/domain';

/** PostgreSQL hands BIGINT back as a string; epoch milliseconds and pair keys are well inside a safe JS number. */
const safeBigint: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * One incident as the reports read it (not for display). Milestones are kept as epoch
 * milliseconds, and the durations the contract reports (seconds from startedAt) are stored ready,
 * so reports aggregate plain columns in SQLite and PostgreSQL alike.
 */
@Entity('incident_facts')
export class IncidentFactRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  /** Revision of the incident stream's last event applied here (0-based). */
  @Column('integer')
  revision!: number;

  @Column('text')
  kind!: IncidentKind;

  @Column('text')
  severity!: Severity;

  @Column('text')
  status!: IncidentStatus;

  @Column('text', { name: 'detection_source' })
  detectionSource!: DetectionSource;

  /** ISO-8601 UTC with milliseconds: periods and buckets compare and cut it as text. */
  @Column('text', { name: 'started_at' })
  startedAt!: string;

  @Column('bigint', { name: 'started_at_ms', transformer: safeBigint })
  startedAtMs!: number;

  @Column('bigint', { name: 'detected_at_ms', nullable: true, transformer: safeBigint })
  detectedAtMs!: number | null;

  @Column('bigint', { name: 'acknowledged_at_ms', nullable: true, transformer: safeBigint })
  acknowledgedAtMs!: number | null;

  @Column('bigint', { name: 'mitigated_at_ms', nullable: true, transformer: safeBigint })
  mitigatedAtMs!: number | null;

  @Column('bigint', { name: 'resolved_at_ms', nullable: true, transformer: safeBigint })
  resolvedAtMs!: number | null;

  /** detectedAt − startedAt in seconds; null while the milestone is missing. */
  @Column('double precision', { name: 'detect_seconds', nullable: true })
  detectSeconds!: number | null;

  @Column('double precision', { name: 'acknowledge_seconds', nullable: true })
  acknowledgeSeconds!: number | null;

  @Column('double precision', { name: 'mitigate_seconds', nullable: true })
  mitigateSeconds!: number | null;

  @Column('double precision', { name: 'resolve_seconds', nullable: true })
  resolveSeconds!: number | null;

  /**
   * When the incident's first postmortem was published (epoch ms; a later one after a reopen does not
   * move it), for the learning report; null while none is.
   */
  @Column('bigint', { name: 'postmortem_published_at_ms', nullable: true, transformer: safeBigint })
  postmortemPublishedAtMs!: number | null;

  /** The postmortem policy's deadline (PostmortemDueSet), epoch ms; null while none is set. */
  @Column('bigint', { name: 'postmortem_due_at_ms', nullable: true, transformer: safeBigint })
  postmortemDueAtMs!: number | null;

  /** An experiment's or game day's outcome (HELD, REFUTED, ABORTED); null until it is concluded. */
  @Column('text', { name: 'experiment_outcome', nullable: true })
  experimentOutcome!: ExperimentOutcome | null;

  /** When the experiment was concluded (epoch ms); null until it is. */
  @Column('bigint', { name: 'experiment_concluded_at_ms', nullable: true, transformer: safeBigint })
  experimentConcludedAtMs!: number | null;

  /** Whether the incident has a factor category (see incident_fact_factor_categories). */
  @Column('boolean', { name: 'has_categorised_finding' })
  hasCategorisedFinding!: boolean;

  /**
   * Whether the incident recurs (see recurrence-pairs.ts): it has a RECURRENCE_OF link, or one of its
   * (service, category) pairs recurs. Kept by the projection's recurrence refresh, never by an event
   * alone: it depends on other incidents.
   */
  @Column('boolean')
  recurs!: boolean;
}

/**
 * One row per service of an incident; started_at (and started_at_ms) is copied so a service's period
 * is one index range.
 */
@Entity('incident_fact_services')
export class IncidentFactServiceRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  service!: string;

  @Column('text', { name: 'started_at' })
  startedAt!: string;

  /** started_at as epoch milliseconds: a report computes its DAY and WEEK buckets from it in SQL. */
  @Column('bigint', { name: 'started_at_ms', transformer: safeBigint })
  startedAtMs!: number;
}

@Entity('incident_fact_tags')
export class IncidentFactTagRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  tag!: string;

  @Column('text', { name: 'started_at' })
  startedAt!: string;

  /** started_at as epoch milliseconds: a report computes its DAY and WEEK buckets from it in SQL. */
  @Column('bigint', { name: 'started_at_ms', transformer: safeBigint })
  startedAtMs!: number;
}

/**
 * The categories of an incident's non-retracted TRIGGER and CONTRIBUTING_FACTOR findings, each once,
 * derived from incident_fact_findings.
 */
@Entity('incident_fact_factor_categories')
export class IncidentFactFactorCategoryRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  category!: FactorCategory;

  @Column('text', { name: 'started_at' })
  startedAt!: string;

  /** started_at as epoch milliseconds: a report computes its DAY and WEEK buckets from it in SQL. */
  @Column('bigint', { name: 'started_at_ms', transformer: safeBigint })
  startedAtMs!: number;
}

/** What the projection needs of each finding to derive the factor categories. */
@Entity('incident_fact_findings')
export class IncidentFactFindingRow {
  @PrimaryColumn('text', { name: 'finding_id' })
  findingId!: string;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  @Column('text')
  kind!: FindingKind;

  @Column('text', { nullable: true })
  category!: FactorCategory | null;

  @Column('boolean')
  retracted!: boolean;
}

/** RECURRENCE_OF links, as recorded on the later incident. */
@Entity('incident_fact_recurrence_links')
export class IncidentFactRecurrenceLinkRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text', { name: 'related_incident_id' })
  relatedIncidentId!: string;
}

/**
 * One row per (incident, service, factor category): the pairs through which incidents recur. `recurs`:
 * another incident with the same pair started at most 90 days before this one (exactly 90 days
 * counts, the same instant does not). Derived from the services and factor-category rows.
 */
@Entity('incident_fact_recurrence_pairs')
export class IncidentFactRecurrencePairRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  @PrimaryColumn('text')
  service!: string;

  @PrimaryColumn('text')
  category!: FactorCategory;

  /** pairKey(service, category) (recurrence-pairs.ts): what the report groups by. */
  @Column('bigint', { name: 'pair_key', transformer: safeBigint })
  pairKey!: number;

  @Column('bigint', { name: 'started_at_ms', transformer: safeBigint })
  startedAtMs!: number;

  @Column('boolean')
  recurs!: boolean;
}

/** The (service, category) a pair key stands for: the distinct ones of incident_fact_recurrence_pairs. */
@Entity('incident_fact_recurrence_pair_names')
export class IncidentFactRecurrencePairNameRow {
  @PrimaryColumn('bigint', { name: 'pair_key', transformer: safeBigint })
  pairKey!: number;

  @PrimaryColumn('text')
  service!: string;

  @PrimaryColumn('text')
  category!: FactorCategory;
}

export const INCIDENT_FACT_ENTITIES = [
  IncidentFactRow,
  IncidentFactServiceRow,
  IncidentFactTagRow,
  IncidentFactFactorCategoryRow,
  IncidentFactFindingRow,
  IncidentFactRecurrenceLinkRow,
  IncidentFactRecurrencePairRow,
  IncidentFactRecurrencePairNameRow,
];
