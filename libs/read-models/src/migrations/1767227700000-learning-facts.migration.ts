import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * What the learning report (libs/read-models/src/reports/learning.query.ts) reads beyond the other
 * reports:
 *
 * - incident_facts gets the first postmortem's publication, the postmortem deadline and the
 *   experiment's outcome and conclusion time, and an index by (started_at, incident_id) that covers
 *   every column the report reads, so its incident statement is one index range; and one by
 *   (incident_id, started_at) with the columns its action-item statement reads of each item's
 *   incident (SQLite looked them up in the table through the uncovered (incident_id, started_at)
 *   index: three times slower at 100,000 incidents; PostgreSQL reads a range of the first);
 * - action_item_status_history gets completed_at on DONE versions (compared with due_date as text),
 *   and its period index carries it, so "done by the due date, as of asOf" reads no table row.
 *
 * Existing rows have none of these: the migration empties both read models and their checkpoints,
 * and the projector rebuilds them from the event log when the service starts.
 */
export class LearningFacts1767227700000 implements MigrationInterface {
  name = 'LearningFacts1767227700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      // Emptied first, so the indexes below are built over empty tables.
      ...emptyProjection('incident-facts', [
        'incident_fact_recurrence_pair_names',
        'incident_fact_recurrence_pairs',
        'incident_fact_recurrence_links',
        'incident_fact_findings',
        'incident_fact_factor_categories',
        'incident_fact_tags',
        'incident_fact_services',
        'incident_facts',
      ]),
      ...emptyProjection('action-item-history', [
        'action_item_status_history',
        'action_item_history_incidents',
      ]),
      'ALTER TABLE incident_facts ADD COLUMN postmortem_published_at_ms bigint',
      'ALTER TABLE incident_facts ADD COLUMN postmortem_due_at_ms bigint',
      `ALTER TABLE incident_facts ADD COLUMN experiment_outcome ${text}`,
      'ALTER TABLE incident_facts ADD COLUMN experiment_concluded_at_ms bigint',
      `CREATE INDEX incident_facts_learning_idx ON incident_facts (started_at, incident_id, kind, severity,
        started_at_ms, resolved_at_ms, postmortem_published_at_ms, postmortem_due_at_ms,
        experiment_outcome, experiment_concluded_at_ms, detection_source, status)`,
      `CREATE INDEX incident_facts_learning_incident_idx ON incident_facts (incident_id, started_at, kind,
        severity, started_at_ms, detection_source, status)`,
      `ALTER TABLE action_item_status_history ADD COLUMN completed_at ${text}`,
      'DROP INDEX action_item_status_history_period_idx',
      `CREATE INDEX action_item_status_history_period_idx ON action_item_status_history
        (to_at, incident_started_at, from_at, status, due_date, closed_after_ms, completed_at, owner_team,
         priority, type, incident_id)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'DROP INDEX action_item_status_history_period_idx',
      `CREATE INDEX action_item_status_history_period_idx ON action_item_status_history
        (to_at, incident_started_at, from_at, status, due_date, closed_after_ms, owner_team, priority, type,
         incident_id)`,
      'ALTER TABLE action_item_status_history DROP COLUMN completed_at',
      'DROP INDEX incident_facts_learning_incident_idx',
      'DROP INDEX incident_facts_learning_idx',
      'ALTER TABLE incident_facts DROP COLUMN experiment_concluded_at_ms',
      'ALTER TABLE incident_facts DROP COLUMN experiment_outcome',
      'ALTER TABLE incident_facts DROP COLUMN postmortem_due_at_ms',
      'ALTER TABLE incident_facts DROP COLUMN postmortem_published_at_ms',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
