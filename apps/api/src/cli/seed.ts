/**
 * `npm run seed -- --incidents 100000 --seed 42`: writes a realistic, deterministic demo history
 * (apps/api/src/seed) through the event store, then rebuilds the read models from it, with progress
 * on stderr and a summary on stdout. The event store and read models are those of the service:
 * DATA_DIR, EVENTSTORE_URL and DATABASE_URL as in the README, "Configuration".
 */
import { openEventStore } from '@kb/event-store';
import { createReadModelDataSource } from '@kb/read-models';
import { ConfigError, loadConfig, redact } from '../config/app-config';
import { prepareDataDirOf } from '../config/data-dir';
import { projections } from '../read-side/projections';
import { catchUpReadModels, SeedRefusedError, writeDemoHistory } from '../seed/seed-demo-data';
import { parseSeedOptions, SEED_USAGE, SeedOptionsError } from '../seed/seed-options';

async function main(): Promise<number> {
  const options = parseSeedOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(SEED_USAGE);
    return 0;
  }
  const config = loadConfig();
  const where =
    config.eventStore.kind === 'embedded'
      ? config.eventStore.file
      : redact(config.eventStore.connectionString);
  const readModels =
    config.readModels.kind === 'sqlite' ? config.readModels.file : redact(config.readModels.url);
  process.stderr.write(
    `Seeding ${options.incidents.toLocaleString('en')} incidents (seed ${options.seed}, ` +
      `${options.years} years until ${options.until.toISOString()}) into ${where}\n`,
  );
  const started = Date.now();
  prepareDataDirOf(config, { warn: (message) => process.stderr.write(`${message}\n`) });
  const store = openEventStore(config.eventStore);
  try {
    const rate = (events: number) => Math.round(events / Math.max((Date.now() - started) / 1000, 0.001));
    const written = await writeDemoHistory(store, options, (p) =>
      process.stderr.write(
        `\rwriting: ${p.incidents.toLocaleString('en')}/${options.incidents.toLocaleString('en')} incidents, ` +
          `${p.events.toLocaleString('en')} events (${rate(p.events).toLocaleString('en')}/s)`,
      ),
    );
    process.stderr.write(`\nRebuilding the read models in ${readModels}\n`);
    const dataSource = await createReadModelDataSource(config.readModels);
    let projected: Awaited<ReturnType<typeof catchUpReadModels>>;
    try {
      const rebuildStarted = Date.now();
      projected = await catchUpReadModels(store, dataSource, projections(), (p) => {
        const perSecond = Math.round(p.events / Math.max((Date.now() - rebuildStarted) / 1000, 0.001));
        process.stderr.write(
          `\r  ${p.events.toLocaleString('en')} events read into ` +
            `${p.projections.length} projections (${perSecond.toLocaleString('en')}/s)`,
        );
      });
    } finally {
      await dataSource.destroy();
    }
    const total = (Date.now() - started) / 1000;
    const share = (n: number) => `${((100 * n) / Math.max(written.incidents, 1)).toFixed(1)}%`;
    const lines = [
      '',
      `Seeded ${written.incidents.toLocaleString('en')} incidents and ${written.actionItems.toLocaleString('en')} action items: ` +
        `${written.events.toLocaleString('en')} events in ${written.seconds.toFixed(1)} s ` +
        `(${Math.round(written.events / written.seconds).toLocaleString('en')} events/s)` +
        (written.streamsAlreadyStored > 0
          ? `; ${written.streamsAlreadyStored.toLocaleString('en')} streams were already stored by an earlier run`
          : ''),
      `  kinds: ${Object.entries(written.byKind)
        .map(([kind, n]) => `${kind} ${share(n)}`)
        .join(', ')}`,
      `  severities: ${Object.entries(written.bySeverity)
        .map(([severity, n]) => `${severity} ${share(n)}`)
        .join(', ')}`,
      `Read models rebuilt: ${projections().length} projections in one pass over ${projected.events.toLocaleString('en')} events, ` +
        `in ${projected.seconds.toFixed(1)} s` +
        (projected.parked > 0
          ? `; ${projected.parked} parked as dead letters (see projection_dead_letters)`
          : ''),
      `Done in ${total.toFixed(1)} s.`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return projected.parked > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof SeedOptionsError)
      process.stderr.write(`${error.problems.map((p) => `  - ${p}`).join('\n')}\n\n${SEED_USAGE}`);
    else if (error instanceof ConfigError || error instanceof SeedRefusedError)
      process.stderr.write(`\n${error.message}\n`);
    else
      process.stderr.write(
        `\nSeeding failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(error instanceof SeedOptionsError ? 2 : 1);
  },
);
