import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Parked events of projections (poison events and those waiting behind them). */
export class DeadLetters1767225900000 implements MigrationInterface {
  name = 'DeadLetters1767225900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = queryRunner.connection.driver.options.type === 'postgres' ? 'text COLLATE "C"' : 'text';
    await queryRunner.query(`CREATE TABLE projection_dead_letters (
      projection ${text} NOT NULL,
      position ${text} NOT NULL,
      stream_id ${text} NOT NULL,
      revision integer NOT NULL,
      event_id ${text} NOT NULL,
      event_type ${text} NOT NULL,
      error ${text} NOT NULL,
      parked_at ${text} NOT NULL,
      PRIMARY KEY (projection, position))`);
    await queryRunner.query(
      'CREATE INDEX projection_dead_letters_stream ON projection_dead_letters (projection, stream_id, position)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE projection_dead_letters');
  }
}
