import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An event a projection could not apply, or one that waits behind such an event of the same stream
 * (so the stream's order is kept). The projection's checkpoint moves past it; `retryDeadLetters`
 * applies the stream's parked events in order once the cause is fixed.
 */
@Entity('projection_dead_letters')
export class DeadLetterRow {
  @PrimaryColumn('text')
  projection!: string;

  @PrimaryColumn('text')
  position!: string;

  @Column('text', { name: 'stream_id' })
  streamId!: string;

  @Column('integer')
  revision!: number;

  @Column('text', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  /** Why it failed, or that it waits behind an earlier failed event of its stream. */
  @Column('text')
  error!: string;

  /** Wall-clock time it was parked: operational information, not part of any read model. */
  @Column('text', { name: 'parked_at' })
  parkedAt!: string;
}
