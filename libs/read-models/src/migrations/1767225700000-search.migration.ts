import type { MigrationInterface, QueryRunner } from 'typeorm';

// Spelled out rather than imported: a migration must not change when application code does.
const STAND_INS = "U&'\\E002\\E003\\E004'";

/**
 * Full-text search documents and their index. Both databases stem English words (FTS5 `porter`,
 * PostgreSQL's 'english' configuration) so "errors" finds "error" in either.
 *
 * SQLite: an FTS5 table over the documents (external content, kept in step by triggers). `seq` is an
 * explicit INTEGER PRIMARY KEY because the index refers to rows by rowid, which VACUUM may renumber
 * when it is implicit.
 *
 * PostgreSQL: a generated tsvector (title weight A, body weight D) with a GIN index. `<`, `>` and `&`
 * are indexed as blanks (see POSTGRES_MARKUP_STAND_INS in search-snippet.ts), so `<script>x` is the
 * words "script" and "x" as in FTS5, not a tag PostgreSQL would leave out.
 */
export class Search1767225700000 implements MigrationInterface {
  name = 'Search1767225700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type === 'postgres') await this.upPostgres(queryRunner);
    else await this.upSqlite(queryRunner);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.driver.options.type !== 'postgres')
      await queryRunner.query('DROP TABLE search_fts');
    await queryRunner.query('DROP TABLE search_documents');
  }

  private async upSqlite(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE search_documents (
      seq INTEGER PRIMARY KEY,
      id text NOT NULL UNIQUE,
      result_kind text NOT NULL,
      result_id text NOT NULL,
      incident_id text NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      retracted boolean NOT NULL,
      revision integer NOT NULL)`);
    await queryRunner.query(`CREATE VIRTUAL TABLE search_fts USING fts5(
      title, body,
      content='search_documents', content_rowid='seq',
      tokenize='porter unicode61 remove_diacritics 2')`);
    await queryRunner.query(`CREATE TRIGGER search_documents_inserted AFTER INSERT ON search_documents BEGIN
      INSERT INTO search_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
    END`);
    await queryRunner.query(`CREATE TRIGGER search_documents_deleted AFTER DELETE ON search_documents BEGIN
      INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
    END`);
    await queryRunner.query(`CREATE TRIGGER search_documents_updated AFTER UPDATE ON search_documents BEGIN
      INSERT INTO search_fts (search_fts, rowid, title, body) VALUES ('delete', old.seq, old.title, old.body);
      INSERT INTO search_fts (rowid, title, body) VALUES (new.seq, new.title, new.body);
    END`);
  }

  private async upPostgres(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE search_documents (
      id text COLLATE "C" PRIMARY KEY,
      result_kind text COLLATE "C" NOT NULL,
      result_id text COLLATE "C" NOT NULL,
      incident_id text COLLATE "C" NOT NULL,
      title text NOT NULL,
      body text NOT NULL,
      retracted boolean NOT NULL,
      revision integer NOT NULL,
      document tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, translate(title, '<>&', ${STAND_INS})), 'A') ||
        setweight(to_tsvector('english'::regconfig, translate(body, '<>&', ${STAND_INS})), 'D')) STORED)`);
    // fastupdate off: each write updates the index itself, so no live write pays for flushing a
    // pending list that many earlier writes filled (a latency spike for read-your-writes).
    await queryRunner.query(
      'CREATE INDEX search_documents_document ON search_documents USING GIN (document) WITH (fastupdate = off)',
    );
  }
}
