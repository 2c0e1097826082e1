import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Covering indexes for the failure-trend reports (libs/read-models/src/reports): a report over a
 * period is then a range of one index, read without touching the table rows (SQLite covering index,
 * PostgreSQL index-only scan).
 *
 * - incident_facts by (started_at, incident_id) with every column a report reads or filters on, so
 *   incidentTrend and responseTimes by NONE, SEVERITY, KIND and DETECTION_SOURCE, and the denominator
 *   of contributingFactors, never read a table row; and a dimension row finds its fact by
 *   (started_at, incident_id) in the same index.
 * - each dimension table by (started_at, value, incident_id): incidentTrend by SERVICE, TAG or
 *   FACTOR_CATEGORY, and contributingFactors, scan the period's rows of that table alone.
 */
export class ReportIndexes1767226400000 implements MigrationInterface {
  name = 'ReportIndexes1767226400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      `CREATE INDEX incident_facts_report_idx ON incident_facts (started_at, incident_id, kind, severity,
        detection_source, status, has_categorised_finding, detect_seconds, acknowledge_seconds,
        mitigate_seconds, resolve_seconds)`,
      'CREATE INDEX incident_fact_services_report_idx ON incident_fact_services (started_at, service, incident_id)',
      'CREATE INDEX incident_fact_tags_report_idx ON incident_fact_tags (started_at, tag, incident_id)',
      `CREATE INDEX incident_fact_factor_categories_report_idx
        ON incident_fact_factor_categories (started_at, category, incident_id)`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of [
      'incident_fact_factor_categories_report_idx',
      'incident_fact_tags_report_idx',
      'incident_fact_services_report_idx',
      'incident_facts_report_idx',
    ])
      await queryRunner.query(`DROP INDEX ${index}`);
  }
}
