import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { loadConfig } from '../config/app-config';
import { createApp } from '../create-app';

/** The committed copy of the served schema, at the repository's root. */
export const SCHEMA_FILE = 'schema.gql';

/**
 * Builds the schema exactly as the service serves it: the application is started (embedded, in a
 * temp directory, not listening) and asked for it.
 */
export async function servedSchema(): Promise<GraphQLSchema> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kb-schema-'));
  const app = await createApp(
    loadConfig({ DATA_DIR: dataDir, KB_BOOTSTRAP_API_KEY: 'schema-printing-only-key' }),
    {
      logger: false,
    },
  );
  try {
    await app.init();
    return app.get(GraphQLSchemaHost).schema;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The schema as SDL, types sorted by name: stable, so a change shows as a readable diff. */
export function printServedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
