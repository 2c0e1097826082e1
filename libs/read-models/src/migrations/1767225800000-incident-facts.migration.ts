import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The incident fact table for failure-trend analytics, with one child table per multi-valued
 * dimension so an incident counts once under each of its values. The child tables repeat started_at
 * so "per service / category / tag in a period" is one index range without touching incident_facts.
 */
export class IncidentFacts1767225800000 implements MigrationInterface {
  name = 'IncidentFacts1767225800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const double = postgres ? 'double precision' : 'real';
    const statements = [
      `CREATE TABLE incident_facts (
        incident_id ${text} PRIMARY KEY,
        revision integer NOT NULL,
        kind ${text} NOT NULL,
        severity ${text} NOT NULL,
        status ${text} NOT NULL,
        detection_source ${text} NOT NULL,
        started_at ${text} NOT NULL,
        started_at_ms bigint NOT NULL,
        detected_at_ms bigint,
        acknowledged_at_ms bigint,
        mitigated_at_ms bigint,
        resolved_at_ms bigint,
        detect_seconds ${double},
        acknowledge_seconds ${double},
        mitigate_seconds ${double},
        resolve_seconds ${double},
        has_categorised_finding boolean NOT NULL)`,
      'CREATE INDEX incident_facts_started_at_idx ON incident_facts (started_at, incident_id)',
      'CREATE INDEX incident_facts_kind_started_at_idx ON incident_facts (kind, started_at)',
      'CREATE INDEX incident_facts_started_at_ms_idx ON incident_facts (started_at_ms)',
      `CREATE TABLE incident_fact_services (
        incident_id ${text} NOT NULL,
        service ${text} NOT NULL,
        started_at ${text} NOT NULL,
        PRIMARY KEY (incident_id, service))`,
      'CREATE INDEX incident_fact_services_service_idx ON incident_fact_services (service, started_at, incident_id)',
      `CREATE TABLE incident_fact_tags (
        incident_id ${text} NOT NULL,
        tag ${text} NOT NULL,
        started_at ${text} NOT NULL,
        PRIMARY KEY (incident_id, tag))`,
      'CREATE INDEX incident_fact_tags_tag_idx ON incident_fact_tags (tag, started_at, incident_id)',
      `CREATE TABLE incident_fact_factor_categories (
        incident_id ${text} NOT NULL,
        category ${text} NOT NULL,
        started_at ${text} NOT NULL,
        PRIMARY KEY (incident_id, category))`,
      'CREATE INDEX incident_fact_factor_categories_category_idx ON incident_fact_factor_categories (category, started_at, incident_id)',
      `CREATE TABLE incident_fact_findings (
        finding_id ${text} PRIMARY KEY,
        incident_id ${text} NOT NULL,
        kind ${text} NOT NULL,
        category ${text},
        retracted boolean NOT NULL)`,
      'CREATE INDEX incident_fact_findings_incident_idx ON incident_fact_findings (incident_id)',
      `CREATE TABLE incident_fact_recurrence_links (
        incident_id ${text} NOT NULL,
        related_incident_id ${text} NOT NULL,
        PRIMARY KEY (incident_id, related_incident_id))`,
      'CREATE INDEX incident_fact_recurrence_links_related_idx ON incident_fact_recurrence_links (related_incident_id)',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'incident_fact_recurrence_links',
      'incident_fact_findings',
      'incident_fact_factor_categories',
      'incident_fact_tags',
      'incident_fact_services',
      'incident_facts',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
