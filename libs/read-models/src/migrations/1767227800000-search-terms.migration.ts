import type { MigrationInterface, QueryRunner } from 'typeorm';
import { emptyProjection } from './empty-projection';

/**
 * How many texts of incidents (title and summary, findings not retracted, timeline, postmortem) hold each word, as
 * the similarity ranking stems it: similar incidents search with the probe's rarest words (a word
 * in every tenth text finds thousands of candidates and costs as much) and weigh shared words by
 * their rarity in the whole history. The search projection keeps the counts beside its documents;
 * its read model is emptied so that the service rebuilds it, counts included, from the event log at
 * start (a few minutes for 100,000 incidents).
 */
export class SearchTerms1767227800000 implements MigrationInterface {
  name = 'SearchTerms1767227800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.driver.options.type === 'postgres';
    await queryRunner.query(`CREATE TABLE search_terms (
      term text${postgres ? ' COLLATE "C"' : ''} PRIMARY KEY,
      documents integer NOT NULL)`);
    for (const statement of emptyProjection('search', ['search_documents', 'search_terms']))
      await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE search_terms');
  }
}
