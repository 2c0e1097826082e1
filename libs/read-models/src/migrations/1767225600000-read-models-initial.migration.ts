import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first read-model schema, for SQLite and PostgreSQL. Every text column is compared byte-wise
 * (SQLite's BINARY, PostgreSQL's COLLATE "C"), so ids, ISO-8601 times and positions sort the same in
 * both databases and independently of the server's locale.
 */
export class ReadModelsInitial1767225600000 implements MigrationInterface {
  name = 'ReadModelsInitial1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      `CREATE TABLE projection_checkpoints (
        name ${text} PRIMARY KEY,
        position ${text} NOT NULL,
        updated_at ${text} NOT NULL)`,
      `CREATE TABLE incidents (
        id ${text} PRIMARY KEY,
        revision integer NOT NULL,
        title ${text} NOT NULL,
        summary ${text},
        kind ${text} NOT NULL,
        severity ${text} NOT NULL,
        status ${text} NOT NULL,
        services ${text} NOT NULL,
        tags ${text} NOT NULL,
        detection_source ${text} NOT NULL,
        started_at ${text} NOT NULL,
        detected_at ${text},
        acknowledged_at ${text},
        mitigated_at ${text},
        resolved_at ${text},
        closed_at ${text},
        reported_at ${text} NOT NULL,
        updated_at ${text} NOT NULL,
        postmortem_summary ${text},
        postmortem_impact ${text},
        postmortem_published_at ${text})`,
      'CREATE INDEX incidents_started_at_idx ON incidents (started_at, id)',
      'CREATE INDEX incidents_status_idx ON incidents (status)',
      `CREATE TABLE incident_services (
        incident_id ${text} NOT NULL,
        service ${text} NOT NULL,
        PRIMARY KEY (incident_id, service))`,
      'CREATE INDEX incident_services_service_idx ON incident_services (service, incident_id)',
      `CREATE TABLE incident_tags (
        incident_id ${text} NOT NULL,
        tag ${text} NOT NULL,
        PRIMARY KEY (incident_id, tag))`,
      'CREATE INDEX incident_tags_tag_idx ON incident_tags (tag, incident_id)',
      `CREATE TABLE findings (
        id ${text} PRIMARY KEY,
        incident_id ${text} NOT NULL,
        stream_revision integer NOT NULL,
        kind ${text} NOT NULL,
        category ${text},
        description ${text} NOT NULL,
        retracted boolean NOT NULL,
        recorded_at ${text} NOT NULL)`,
      'CREATE INDEX findings_incident_idx ON findings (incident_id, stream_revision)',
      'CREATE INDEX findings_category_idx ON findings (category, incident_id)',
      `CREATE TABLE timeline_entries (
        id ${text} PRIMARY KEY,
        incident_id ${text} NOT NULL,
        stream_revision integer NOT NULL,
        at ${text} NOT NULL,
        text ${text} NOT NULL)`,
      'CREATE INDEX timeline_entries_incident_idx ON timeline_entries (incident_id, at)',
      `CREATE TABLE incident_links (
        incident_id ${text} NOT NULL,
        related_incident_id ${text} NOT NULL,
        relation ${text} NOT NULL,
        linked_at ${text} NOT NULL,
        PRIMARY KEY (incident_id, related_incident_id, relation))`,
      'CREATE INDEX incident_links_related_idx ON incident_links (related_incident_id)',
      `CREATE TABLE action_items (
        id ${text} PRIMARY KEY,
        revision integer NOT NULL,
        incident_id ${text} NOT NULL,
        finding_id ${text},
        title ${text} NOT NULL,
        description ${text},
        type ${text} NOT NULL,
        priority ${text} NOT NULL,
        owner_team ${text} NOT NULL,
        assignee ${text},
        due_date ${text},
        status ${text} NOT NULL,
        opened_at ${text} NOT NULL,
        completed_at ${text},
        updated_at ${text} NOT NULL)`,
      'CREATE INDEX action_items_incident_idx ON action_items (incident_id)',
      'CREATE INDEX action_items_status_idx ON action_items (status, due_date)',
      'CREATE INDEX action_items_owner_team_idx ON action_items (owner_team)',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'action_items',
      'incident_links',
      'timeline_entries',
      'findings',
      'incident_tags',
      'incident_services',
      'incidents',
      'projection_checkpoints',
    ])
      await queryRunner.query(`DROP TABLE ${table}`);
  }
}
