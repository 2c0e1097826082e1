import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the alerting gauges of /metrics (alertingCounts), which read tens of thousands of rows
 * at 100,000 incidents:
 * - overdue postmortems: a partial index of the incidents with a deadline and no postmortem (a few
 *   hundred), where the statement scanned the whole table (35-110 ms);
 * - overdue action items by team: the team beside the status and due date, so that the count reads
 *   the index alone instead of a row per item (40-120 ms).
 */
export class AlertingCountIndexes1767228000000 implements MigrationInterface {
  name = 'AlertingCountIndexes1767228000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX incidents_postmortem_due_idx ON incidents (postmortem_due_at, severity)
       WHERE postmortem_due_at IS NOT NULL AND postmortem_published_at IS NULL`,
    );
    await queryRunner.query(
      'CREATE INDEX action_items_due_by_team_idx ON action_items (status, due_date, owner_team)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX action_items_due_by_team_idx');
    await queryRunner.query('DROP INDEX incidents_postmortem_due_idx');
  }
}
