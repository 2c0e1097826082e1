import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How far each projection has applied the log; written in the same transaction as its rows. */
@Entity('projection_checkpoints')
export class ProjectionCheckpointRow {
  @PrimaryColumn('text')
  name!: string;

  /** Position of the last event applied (an opaque store position). */
  @Column('text')
  position!: string;

  /** Wall-clock time of the commit: operational information, not part of any read model. */
  @Column('text', { name: 'updated_at' })
  updatedAt!: string;
}
