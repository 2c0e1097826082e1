import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook delivery state: one row per event and webhook (listed newest first per webhook, and
 * searched for the due redeliveries), and one checkpoint per webhook. Not projections: a rebuild of
 * the read models leaves them alone.
 */
export class WebhookDeliveries1767227000000 implements MigrationInterface {
  name = 'WebhookDeliveries1767227000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = queryRunner.connection.driver.options.type === 'postgres' ? 'text COLLATE "C"' : 'text';
    await queryRunner.query(`CREATE TABLE webhook_deliveries (
      id ${text} PRIMARY KEY,
      webhook_id ${text} NOT NULL,
      event_id ${text} NOT NULL,
      stream_id ${text} NOT NULL,
      revision integer NOT NULL,
      position ${text} NOT NULL,
      event_type ${text} NOT NULL,
      status ${text} NOT NULL,
      attempts integer NOT NULL,
      first_attempt_at ${text},
      last_attempt_at ${text},
      last_status_code integer,
      last_error ${text},
      last_latency_ms integer,
      next_attempt_at ${text},
      delivered_at ${text})`);
    await queryRunner.query(
      'CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, position, id)',
    );
    await queryRunner.query(
      'CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (webhook_id, status, position)',
    );
    await queryRunner.query(`CREATE TABLE webhook_checkpoints (
      webhook_id ${text} PRIMARY KEY,
      position ${text} NOT NULL,
      updated_at ${text} NOT NULL)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhook_checkpoints');
    await queryRunner.query('DROP TABLE webhook_deliveries');
  }
}
