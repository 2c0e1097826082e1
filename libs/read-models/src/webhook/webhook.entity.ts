import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One webhook registration: what the `webhooks` query lists and what delivery will read to know
 * where to send which events. Never the signing secret: it stays in the webhook's stream (see
 * docs/adr/0006-webhook-secrets.md), so this disposable, more widely readable database never holds it.
 */
@Entity('webhooks')
export class WebhookRow {
  @PrimaryColumn('text')
  id!: string;

  /** Revision of the webhook's stream's last event applied here (0-based). */
  @Column('integer')
  revision!: number;

  @Column('text')
  url!: string;

  /** Event type names, in the order given; empty means every event type. */
  @Column('simple-json', { name: 'event_types' })
  eventTypes!: string[];

  @Column('text', { name: 'created_at' })
  createdAt!: string;

  /**
   * Position of WebhookCreated in the event log: delivery sends the events stored after it, so a new
   * webhook does not receive the history.
   */
  @Column('text', { name: 'created_position' })
  createdPosition!: string;

  @Column('text', { name: 'deleted_at', nullable: true })
  deletedAt!: string | null;
}
