import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * Recurrence kept ready by the incident-facts projection instead of found by a window over every
 * (service, category) pair at query time (seconds at 100,000 incidents):
 *
 * - incident_fact_recurrence_pairs: one row per (incident, service, factor category), with `recurs`
 *   set when another incident of the same pair started at most 90 days before it. Indexed by pair and
 *   time (the projection's window updates, a cluster's incidents) and by time (a period's clusters,
 *   grouped by pair_key: a number standing for the pair).
 * - incident_facts.recurs: the incident recurs (by a pair or a RECURRENCE_OF link), so a period's
 *   recurrence count is a range of the report index, which is created again with the column.
 *
 * Existing fact rows know nothing of pairs: the migration empties the incident-facts read model and
 * its checkpoint, and the projector rebuilds it from the event log when the service starts.
 */
export class RecurrencePairs1767226600000 implements MigrationInterface {
  name = 'RecurrencePairs1767226600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      `CREATE TABLE incident_fact_recurrence_pairs (
        incident_id ${text} NOT NULL,
        service ${text} NOT NULL,
        category ${text} NOT NULL,
        pair_key bigint NOT NULL,
        started_at_ms bigint NOT NULL,
        recurs boolean NOT NULL,
        PRIMARY KEY (incident_id, service, category))`,
      `CREATE INDEX incident_fact_recurrence_pairs_pair_idx
        ON incident_fact_recurrence_pairs (service, category, started_at_ms, incident_id)`,
      `CREATE INDEX incident_fact_recurrence_pairs_period_idx
        ON incident_fact_recurrence_pairs (started_at_ms, pair_key, recurs, service, category, incident_id)`,
      'ALTER TABLE incident_facts ADD COLUMN recurs boolean NOT NULL DEFAULT FALSE',
      'DROP INDEX incident_facts_report_idx',
      `CREATE INDEX incident_facts_report_idx ON incident_facts (started_at, incident_id, kind, severity,
        detection_source, status, has_categorised_finding, recurs, detect_seconds, acknowledge_seconds,
        mitigate_seconds, resolve_seconds)`,
      // Rebuilt from the log by the projector (no checkpoint: it starts from the beginning).
      ...emptyProjection('incident-facts', [
        'incident_fact_recurrence_links',
        'incident_fact_findings',
        'incident_fact_factor_categories',
        'incident_fact_tags',
        'incident_fact_services',
        'incident_facts',
      ]),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'DROP INDEX incident_facts_report_idx',
      `CREATE INDEX incident_facts_report_idx ON incident_facts (started_at, incident_id, kind, severity,
        detection_source, status, has_categorised_finding, detect_seconds, acknowledge_seconds,
        mitigate_seconds, resolve_seconds)`,
      'ALTER TABLE incident_facts DROP COLUMN recurs',
      'DROP TABLE incident_fact_recurrence_pairs',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}
