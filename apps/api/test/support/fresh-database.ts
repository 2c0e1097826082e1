import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';

/** What useFreshDatabase gives a suite, filled in by its beforeAll. */
export interface FreshDatabase {
  /** The name of the suite's database, `<prefix>_<random>`. */
  name: string;
  /** Its connection URL, on the test server. */
  url: string;
  /** A connection to the server's own database, for CREATE and DROP. */
  admin: DataSource;
}

/**
 * A PostgreSQL database of the suite's own on the test server (for processes that must share one):
 * created before the suite, and dropped after it, once `beforeDrop` (stopping the suite's processes,
 * say) has run.
 */
export function useFreshDatabase(
  serverUrl: string,
  prefix: string,
  beforeDrop: () => Promise<void> = async () => undefined,
): FreshDatabase {
  const database = {} as FreshDatabase;
  beforeAll(async () => {
    database.admin = new DataSource({ type: 'postgres', url: serverUrl });
    await database.admin.initialize();
    database.name = `${prefix}_${randomBytes(6).toString('hex')}`;
    await database.admin.query(`CREATE DATABASE ${database.name}`);
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${database.name}`;
    database.url = parsed.toString();
  });
  afterAll(async () => {
    await beforeDrop();
    await database.admin.query(`DROP DATABASE IF EXISTS ${database.name} WITH (FORCE)`);
    await database.admin.destroy();
  });
  return database;
}
