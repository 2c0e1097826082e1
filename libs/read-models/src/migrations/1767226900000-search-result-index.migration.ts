import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite search reads, for each matching document, which result it belongs to and whether it is
 * retracted. Those columns sit after the title and body in the row, so each match read the whole
 * document (overflow pages included): 20 ms to count the results of a word found in 6,000
 * documents. A covering index by the rowid the full-text index returns answers them without the
 * row (8 ms). PostgreSQL ranks from its own tsvector index and needs none.
 */
export class SearchResultIndex1767226900000 implements MigrationInterface {
  name = 'SearchResultIndex1767226900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres')
      await queryRunner.query(
        'CREATE INDEX search_documents_results_idx ON search_documents (seq, retracted, result_kind, result_id, incident_id, id)',
      );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type !== 'postgres')
      await queryRunner.query('DROP INDEX search_documents_results_idx');
  }
}
