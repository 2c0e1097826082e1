import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The postmortem policy and the deadline watcher (docs/operations/deadlines.md): an incident's
 * postmortem deadline (PostmortemDueSet) and the deadline its reminder was written for
 * (PostmortemOverdue); an action item's due date its reminder was written for (ActionItemOverdue).
 * Two partial indexes hold exactly the watcher's candidates (deadline passed or not, no reminder
 * yet), so a scan reads an index range that stays small however long the history grows.
 *
 * Nothing is emptied for a rebuild: no event of a version before this one could fill the new
 * columns (the three events had no writer), so NULL is right for every existing row.
 */
export class Deadlines1767227100000 implements MigrationInterface {
  name = 'Deadlines1767227100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = queryRunner.connection.driver.options.type === 'postgres' ? 'text COLLATE "C"' : 'text';
    const statements = [
      `ALTER TABLE incidents ADD COLUMN postmortem_due_at ${text}`,
      `ALTER TABLE incidents ADD COLUMN postmortem_overdue_for ${text}`,
      `ALTER TABLE action_items ADD COLUMN overdue_for ${text}`,
      `CREATE INDEX incidents_postmortem_reminder_idx ON incidents (postmortem_due_at, id)
        WHERE postmortem_due_at IS NOT NULL AND postmortem_published_at IS NULL AND postmortem_overdue_for IS NULL`,
      `CREATE INDEX action_items_overdue_reminder_idx ON action_items (due_date, id)
        WHERE due_date IS NOT NULL AND status IN ('OPEN', 'IN_PROGRESS')
          AND (overdue_for IS NULL OR overdue_for <> due_date)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'DROP INDEX action_items_overdue_reminder_idx',
      'DROP INDEX incidents_postmortem_reminder_idx',
      'ALTER TABLE action_items DROP COLUMN overdue_for',
      'ALTER TABLE incidents DROP COLUMN postmortem_overdue_for',
      'ALTER TABLE incidents DROP COLUMN postmortem_due_at',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
