import { Column, Entity, PrimaryColumn, type ValueTransformer } from 'typeorm';
import type { ActionItemStatus, ActionItemType, Priority } from '@kb/domain';

/** PostgreSQL hands BIGINT back as a string; the durations are well inside a safe JS number. */
const millis: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

/**
 * The end of a current version: later than any instant a report asks about, so "valid at asOf" is the
 * one index range `from_at <= asOf AND to_at > asOf` (a NULL end would make it an OR of two).
 */
export const CURRENT_VERSION_END = '9999-12-31T23:59:59.999Z';

/**
 * One version of an action item: what the health report needs of it (status, due date, priority,
 * owner team, type) over the interval [fromAt, toAt) of domain time in which it held. A new version
 * starts with each status change and each change of priority, owner team or due date. Never the
 * assignee: the reports do not rank people.
 */
@Entity('action_item_status_history')
export class ActionItemVersionRow {
  @PrimaryColumn('text', { name: 'action_item_id' })
  actionItemId!: string;

  /** Revision (0-based) of the action item event that started this version. */
  @PrimaryColumn('integer')
  revision!: number;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  /**
   * The incident's startedAt as it is now (revisions of the incident's start are carried to every
   * version), for reports over a period of incidents; null while the incident is unknown here.
   */
  @Column('text', { name: 'incident_started_at', nullable: true })
  incidentStartedAt!: string | null;

  @Column('text')
  status!: ActionItemStatus;

  @Column('text')
  type!: ActionItemType;

  @Column('text')
  priority!: Priority;

  @Column('text', { name: 'owner_team' })
  ownerTeam!: string;

  @Column('text', { name: 'due_date', nullable: true })
  dueDate!: string | null;

  @Column('text', { name: 'opened_at' })
  openedAt!: string;

  /** Inclusive start, ISO-8601 UTC with milliseconds. */
  @Column('text', { name: 'from_at' })
  fromAt!: string;

  /** Exclusive end; CURRENT_VERSION_END while this is the item's current version. */
  @Column('text', { name: 'to_at' })
  toAt!: string;

  /**
   * On a DONE version: when the item was completed (the fromAt of the version that made it DONE),
   * ISO-8601 UTC with milliseconds, so it compares with due_date as text; else null.
   */
  @Column('text', { name: 'completed_at', nullable: true })
  completedAt!: string | null;

  /** On a DONE version: completion (fromAt) minus openedAt, in milliseconds; else null. */
  @Column('bigint', { name: 'closed_after_ms', nullable: true, transformer: millis })
  closedAfterMs!: number | null;
}

/** Each incident's current startedAt, for the versions of action items opened on it later. */
@Entity('action_item_history_incidents')
export class ActionItemHistoryIncidentRow {
  @PrimaryColumn('text', { name: 'incident_id' })
  incidentId!: string;

  /** Revision of the incident stream's last event that set startedAt. */
  @Column('integer')
  revision!: number;

  @Column('text', { name: 'started_at' })
  startedAt!: string;
}
