import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Similar incidents read every text of a few hundred candidate incidents at once (title and summary,
 * findings, timeline, postmortem): the search documents by incident, which no index answered (a
 * scan of every document per request). The search projection keeps these rows ready already.
 */
export class SimilarIncidents1767227160000 implements MigrationInterface {
  name = 'SimilarIncidents1767227160000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX search_documents_incident_idx ON search_documents (incident_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX search_documents_incident_idx');
  }
}
