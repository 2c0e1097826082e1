import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printServedSchema, SCHEMA_FILE, servedSchema } from '../graphql/served-schema';

/** `npm run schema:print`: writes the served GraphQL schema to schema.gql (commit it). */
async function main(): Promise<void> {
  const file = resolve(SCHEMA_FILE);
  writeFileSync(file, printServedSchema(await servedSchema()));
  process.stdout.write(`Wrote the served schema to ${file}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `Could not print the schema: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
