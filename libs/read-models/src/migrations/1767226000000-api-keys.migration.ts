import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, looked up by the hash of their secret on every authenticated request. */
export class ApiKeys1767226000000 implements MigrationInterface {
  name = 'ApiKeys1767226000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = queryRunner.connection.driver.options.type === 'postgres' ? 'text COLLATE "C"' : 'text';
    await queryRunner.query(`CREATE TABLE api_keys (
      id ${text} PRIMARY KEY,
      revision integer NOT NULL,
      name ${text} NOT NULL,
      role ${text} NOT NULL,
      secret_hash ${text} NOT NULL,
      created_at ${text} NOT NULL,
      revoked_at ${text})`);
    await queryRunner.query('CREATE INDEX api_keys_secret_hash_idx ON api_keys (secret_hash)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}
