import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The versions of every action item through time, for actionItemHealth "as of" an instant: a row per
 * version, valid over [from_at, to_at) (to_at '9999-12-31T23:59:59.999Z' while current). The report
 * reads the versions valid at asOf: the index leads with to_at, so asOf = now (the usual case) is a
 * range over the current versions only, and it covers every column the report reads (no table
 * lookups). incident_facts gets (incident_id, started_at) so the report's [from, to) join on the
 * incident is an index-only lookup too.
 */
export class ActionItemStatusHistory1767226500000 implements MigrationInterface {
  name = 'ActionItemStatusHistory1767226500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      `CREATE TABLE action_item_status_history (
        action_item_id ${text} NOT NULL,
        revision integer NOT NULL,
        incident_id ${text} NOT NULL,
        status ${text} NOT NULL,
        type ${text} NOT NULL,
        priority ${text} NOT NULL,
        owner_team ${text} NOT NULL,
        due_date ${text},
        opened_at ${text} NOT NULL,
        from_at ${text} NOT NULL,
        to_at ${text} NOT NULL,
        closed_after_ms bigint,
        PRIMARY KEY (action_item_id, revision))`,
      `CREATE INDEX action_item_status_history_valid_idx ON action_item_status_history
        (to_at, from_at, incident_id, status, due_date, closed_after_ms, owner_team, priority, type)`,
      'CREATE INDEX incident_facts_incident_started_at_idx ON incident_facts (incident_id, started_at)',
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX incident_facts_incident_started_at_idx');
    await queryRunner.query('DROP TABLE action_item_status_history');
  }
}
