import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The action-item list reads newest first (opened_at DESC, id DESC) with keyset cursors: an index on
 * that key makes a page an index range instead of a sort of every item. (The incident list has its
 * (started_at, id) index from the first migration.)
 */
export class ListQueryIndexes1767226100000 implements MigrationInterface {
  name = 'ListQueryIndexes1767226100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX action_items_opened_at_idx ON action_items (opened_at, id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX action_items_opened_at_idx');
  }
}
