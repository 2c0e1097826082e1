import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * The failure-trend reports compute their DAY and WEEK buckets in SQL from epoch milliseconds
 * (integer arithmetic both databases evaluate alike, see buckets.ts) instead of handing over one row
 * per day and key for the week to be added up afterwards:
 *
 * - incident_fact_services, incident_fact_tags and incident_fact_factor_categories get started_at_ms
 *   beside started_at, as incident_facts has;
 * - the report indexes carry started_at_ms, so a report still reads one covering index range;
 * - incident_facts gets a partial index of the incidents with a categorised finding by started_at:
 *   contributingFactors' denominator is a range of it (PostgreSQL scanned the whole table for it);
 * - incident_facts by (kind, started_at) with the columns responseTimes reads: it always filters on
 *   kind (drills left out by default), and both databases then took the uncovered (kind, started_at)
 *   index and read every table row; this one is a covering range per kind.
 *
 * Existing dimension rows have no started_at_ms: the migration empties the incident-facts read model
 * and its checkpoint, and the projector rebuilds it from the event log when the service starts.
 */
export class ReportBucketTimes1767226700000 implements MigrationInterface {
  name = 'ReportBucketTimes1767226700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      // Rebuilt from the log by the projector (no checkpoint: it starts from the beginning). Emptied
      // first, so the indexes below are built over empty tables.
      ...emptyProjection('incident-facts', [
        'incident_fact_recurrence_pairs',
        'incident_fact_recurrence_links',
        'incident_fact_findings',
        'incident_fact_factor_categories',
        'incident_fact_tags',
        'incident_fact_services',
        'incident_facts',
      ]),
      ...DIMENSIONS.map(
        ([table]) => `ALTER TABLE ${table} ADD COLUMN started_at_ms bigint NOT NULL DEFAULT 0`,
      ),
      ...DIMENSIONS.flatMap(([table, column]) => [
        `DROP INDEX ${table}_report_idx`,
        `CREATE INDEX ${table}_report_idx ON ${table} (started_at, ${column}, started_at_ms, incident_id)`,
      ]),
      'DROP INDEX incident_facts_report_idx',
      `CREATE INDEX incident_facts_report_idx ON incident_facts (started_at, incident_id, kind, severity,
        detection_source, status, has_categorised_finding, recurs, started_at_ms, detect_seconds,
        acknowledge_seconds, mitigate_seconds, resolve_seconds)`,
      `CREATE INDEX incident_facts_categorised_idx ON incident_facts (started_at)
        WHERE has_categorised_finding`,
      `CREATE INDEX incident_facts_kind_report_idx ON incident_facts (kind, started_at, incident_id,
        started_at_ms, detect_seconds, acknowledge_seconds, mitigate_seconds, resolve_seconds)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      'DROP INDEX incident_facts_kind_report_idx',
      'DROP INDEX incident_facts_categorised_idx',
      'DROP INDEX incident_facts_report_idx',
      `CREATE INDEX incident_facts_report_idx ON incident_facts (started_at, incident_id, kind, severity,
        detection_source, status, has_categorised_finding, recurs, detect_seconds, acknowledge_seconds,
        mitigate_seconds, resolve_seconds)`,
      ...DIMENSIONS.flatMap(([table, column]) => [
        `DROP INDEX ${table}_report_idx`,
        `CREATE INDEX ${table}_report_idx ON ${table} (started_at, ${column}, incident_id)`,
        `ALTER TABLE ${table} DROP COLUMN started_at_ms`,
      ]),
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }
}

/** The dimension tables and their value column. */
const DIMENSIONS = [
  ['incident_fact_services', 'service'],
  ['incident_fact_tags', 'tag'],
  ['incident_fact_factor_categories', 'category'],
] as const;
