import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * actionItemHealth over a period of incidents without a join per version: each version row carries
 * its incident's startedAt (incident_started_at), kept by the action-item-history projection from the
 * incident streams (action_item_history_incidents holds each incident's start for items opened
 * later). The new index leads with to_at and then the incident's start, so "current versions of the
 * items of incidents started in [from, to)" is one exact range instead of every current version each
 * probing incident_facts.
 *
 * Existing version rows have no incident start: the migration empties the read model and its
 * checkpoint, and the projector rebuilds it from the event log when the service starts.
 */
export class ActionItemHistoryIncidentStart1767226650000 implements MigrationInterface {
  name = 'ActionItemHistoryIncidentStart1767226650000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      `CREATE TABLE action_item_history_incidents (
        incident_id ${text} PRIMARY KEY,
        revision integer NOT NULL,
        started_at ${text} NOT NULL)`,
      `ALTER TABLE action_item_status_history ADD COLUMN incident_started_at ${text}`,
      `CREATE INDEX action_item_status_history_period_idx ON action_item_status_history
        (to_at, incident_started_at, from_at, status, due_date, closed_after_ms, owner_team, priority, type,
         incident_id)`,
      'CREATE INDEX action_item_status_history_incident_idx ON action_item_status_history (incident_id)',
      ...emptyProjection('action-item-history', ['action_item_status_history']),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'DROP INDEX action_item_status_history_incident_idx',
      'DROP INDEX action_item_status_history_period_idx',
      'ALTER TABLE action_item_status_history DROP COLUMN incident_started_at',
      'DROP TABLE action_item_history_incidents',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
