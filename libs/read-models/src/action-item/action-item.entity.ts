import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ActionItemStatus, ActionItemType, Priority } from '@kb/domain';

/** One action item. `overdue` is not stored: it depends on the time of the query. */
@Entity('action_items')
export class ActionItemRow {
  @PrimaryColumn('text')
  id!: string;

  /** Revision of the action item stream's last event applied here (0-based). */
  @Column('integer')
  revision!: number;

  @Column('text', { name: 'incident_id' })
  incidentId!: string;

  @Column('text', { name: 'finding_id', nullable: true })
  findingId!: string | null;

  @Column('text')
  title!: string;

  @Column('text', { nullable: true })
  description!: string | null;

  @Column('text')
  type!: ActionItemType;

  @Column('text')
  priority!: Priority;

  @Column('text', { name: 'owner_team' })
  ownerTeam!: string;

  @Column('text', { nullable: true })
  assignee!: string | null;

  @Column('text', { name: 'due_date', nullable: true })
  dueDate!: string | null;

  @Column('text')
  status!: ActionItemStatus;

  @Column('text', { name: 'opened_at' })
  openedAt!: string;

  @Column('text', { name: 'completed_at', nullable: true })
  completedAt!: string | null;

  /** The due date an ActionItemOverdue reminder was last written for. */
  @Column('text', { name: 'overdue_for', nullable: true })
  overdueFor!: string | null;

  /** recordedAt of the last event applied. */
  @Column('text', { name: 'updated_at' })
  updatedAt!: string;
}
