/**
 * `npm run projections:rebuild [-- <name>]`: replays the whole event log into one projection's read
 * model (or every projection's, in one pass over the log), from empty, with progress on stderr. The
 * rebuild is one transaction, so a running service keeps answering from the old rows until the new
 * ones commit; its own projectors wait meanwhile (and resume by themselves).
 */
import { openEventStore } from '@kb/event-store';
import { createReadModelDataSource, rebuildProjections } from '@kb/read-models';
import { ConfigError, loadConfig } from '../config/app-config';
import { prepareDataDirOf } from '../config/data-dir';
import { projections } from '../read-side/projections';

async function main(): Promise<number> {
  const name = process.argv[2];
  const all = projections();
  const chosen = all.filter((projection) => name === undefined || projection.name === name);
  if (chosen.length === 0) {
    process.stderr.write(
      `There is no projection named '${name}'. Projections: ${all.map((p) => p.name).join(', ')}.\n`,
    );
    return 2;
  }
  const config = loadConfig();
  prepareDataDirOf(config, { warn: (message) => process.stderr.write(`${message}\n`) });
  const store = openEventStore(config.eventStore);
  const dataSource = await createReadModelDataSource(config.readModels);
  try {
    const started = Date.now();
    const rate = (events: number) => Math.round(events / Math.max((Date.now() - started) / 1000, 0.001));
    const results = await rebuildProjections(store, dataSource, chosen, {
      onProgress: (p) =>
        process.stderr.write(
          `\r${chosen.map((c) => c.name).join(', ')}: ${p.events} events replayed (${rate(p.events)}/s)`,
        ),
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stderr.write(`\nRebuilt in ${seconds} s:\n`);
    for (const result of results)
      process.stderr.write(
        `  ${result.projection}: ${result.events} events` +
          (result.parked > 0
            ? `; ${result.parked} parked as dead letters (see projection_dead_letters)`
            : '') +
          '\n',
      );
    return 0;
  } finally {
    await dataSource.destroy();
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `The rebuild failed, nothing of it was kept: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  },
);
