import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook registrations (never their secrets). The list reads the active ones oldest first; delivery
 * will read them all, a handful of rows, so there is no index beyond the key.
 */
export class Webhooks1767226300000 implements MigrationInterface {
  name = 'Webhooks1767226300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = queryRunner.connection.driver.options.type === 'postgres' ? 'text COLLATE "C"' : 'text';
    await queryRunner.query(`CREATE TABLE webhooks (
      id ${text} PRIMARY KEY,
      revision integer NOT NULL,
      url ${text} NOT NULL,
      event_types ${text} NOT NULL,
      created_at ${text} NOT NULL,
      created_position ${text} NOT NULL,
      deleted_at ${text})`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE webhooks');
  }
}
