import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * The (service, category) each recurrence pair key stands for, so the recurrence report groups a
 * period's pair rows by the number alone and looks the names up for the clusters it returns (reading
 * and comparing the two texts of every row was a third of its time). Rows: the distinct (pair_key,
 * service, category) of incident_fact_recurrence_pairs, kept with them by the incident-facts
 * projection. Existing pairs have no names: the migration empties the incident-facts read model and
 * its checkpoint, and the projector rebuilds it from the event log when the service starts.
 */
export class RecurrencePairNames1767226800000 implements MigrationInterface {
  name = 'RecurrencePairNames1767226800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    const text = postgres ? 'text COLLATE "C"' : 'text';
    const statements = [
      ...emptyProjection('incident-facts', [
        'incident_fact_recurrence_pairs',
        'incident_fact_recurrence_links',
        'incident_fact_findings',
        'incident_fact_factor_categories',
        'incident_fact_tags',
        'incident_fact_services',
        'incident_facts',
      ]),
      `CREATE TABLE incident_fact_recurrence_pair_names (
        pair_key bigint NOT NULL,
        service ${text} NOT NULL,
        category ${text} NOT NULL,
        PRIMARY KEY (pair_key, service, category))`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE incident_fact_recurrence_pair_names');
  }
}
