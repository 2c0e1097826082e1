import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { describeOnPostgres } from '@kb/read-models/testing/describe-on-postgres';
import { ApiUnderTest } from './api-under-test';

/** Where the app under test keeps its read models. */
export interface ReadModelBackend {
  readonly name: 'SQLite' | 'PostgreSQL';
  /** Starts the app on this backend (a fresh database); `stop` removes it again. */
  start(env?: NodeJS.ProcessEnv): Promise<ApiUnderTest>;
  stop(api: ApiUnderTest | undefined): Promise<void>;
}

const sqlite: ReadModelBackend = {
  name: 'SQLite',
  start: (env = {}) => ApiUnderTest.start(env),
  stop: async (api) => api?.stop(),
};

/** A fresh database `kb_e2e_<random>` on TEST_DATABASE_URL's server for each app, dropped after it. */
function postgres(serverUrl: string): ReadModelBackend {
  const databases = new Map<ApiUnderTest, string>();
  const admin = async (sql: string): Promise<void> => {
    const server = await new DataSource({ type: 'postgres', url: serverUrl }).initialize();
    try {
      await server.query(sql);
    } finally {
      await server.destroy();
    }
  };
  return {
    name: 'PostgreSQL',
    async start(env = {}) {
      const database = `kb_e2e_${randomBytes(6).toString('hex')}`;
      await admin(`CREATE DATABASE ${database}`);
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      try {
        const api = await ApiUnderTest.start({ DATABASE_URL: url.toString(), ...env });
        databases.set(api, database);
        return api;
      } catch (error) {
        await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
        throw error;
      }
    },
    async stop(api) {
      if (!api) return;
      await api.stop();
      const database = databases.get(api);
      databases.delete(api);
      if (database) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    },
  };
}

/**
 * Runs `suite` with the read models in SQLite (the embedded default) and in PostgreSQL (a fresh
 * database on TEST_DATABASE_URL's server). Without TEST_DATABASE_URL the PostgreSQL run is skipped
 * and its title says why.
 */
export function describeOnReadModelBackends(title: string, suite: (backend: ReadModelBackend) => void): void {
  describe(`${title} (SQLite)`, () => suite(sqlite));
  describeOnPostgres(`${title} (PostgreSQL)`, (url) => suite(postgres(url)));
}
