import { Column, Entity, PrimaryColumn } from 'typeorm';

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'RETRYING', 'DELIVERED', 'FAILED'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * One event's delivery to one webhook. Not a read model: it is the delivery's own state (attempts,
 * answers), which no event holds, so a projection rebuild never touches it. Its id is the
 * `webhook-id` header the receiver sees, the same on every attempt.
 */
@Entity('webhook_deliveries')
export class WebhookDeliveryRow {
  @PrimaryColumn('text')
  id!: string;

  @Column('text', { name: 'webhook_id' })
  webhookId!: string;

  @Column('text', { name: 'event_id' })
  eventId!: string;

  @Column('text', { name: 'stream_id' })
  streamId!: string;

  @Column('integer')
  revision!: number;

  /** The event's position in the store: deliveries are listed newest first by it. */
  @Column('text')
  position!: string;

  @Column('text', { name: 'event_type' })
  eventType!: string;

  @Column('text')
  status!: WebhookDeliveryStatus;

  @Column('integer')
  attempts!: number;

  /** When the current run of attempts began: the retry window counts from it. */
  @Column('text', { name: 'first_attempt_at', nullable: true })
  firstAttemptAt!: string | null;

  @Column('text', { name: 'last_attempt_at', nullable: true })
  lastAttemptAt!: string | null;

  @Column('integer', { name: 'last_status_code', nullable: true })
  lastStatusCode!: number | null;

  @Column('text', { name: 'last_error', nullable: true })
  lastError!: string | null;

  @Column('integer', { name: 'last_latency_ms', nullable: true })
  lastLatencyMs!: number | null;

  @Column('text', { name: 'next_attempt_at', nullable: true })
  nextAttemptAt!: string | null;

  @Column('text', { name: 'delivered_at', nullable: true })
  deliveredAt!: string | null;
}

/** How far a webhook's delivery has come: the position of the last event delivered or given up on. */
@Entity('webhook_checkpoints')
export class WebhookCheckpointRow {
  @PrimaryColumn('text', { name: 'webhook_id' })
  webhookId!: string;

  @Column('text')
  position!: string;

  @Column('text', { name: 'updated_at' })
  updatedAt!: string;
}
