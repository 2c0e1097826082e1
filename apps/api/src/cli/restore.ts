/**
 * `npm run restore -- <file> [--force]`: puts a backup made by `npm run backup` in place as
 * DATA_DIR/events.db, then rebuilds every read model from it. Refused while a process has the store
 * open, and over an existing store unless --force (which moves it aside, never deletes it).
 */
import { EventStoreFileError, openEventStore, restoreEventStore } from '@kb/event-store';
import { createReadModelDataSource, rebuildProjections } from '@kb/read-models';
import { ConfigError, loadConfig, redact } from '../config/app-config';
import { prepareDataDirOf } from '../config/data-dir';
import { projections } from '../read-side/projections';
import { pullBackWebhookCheckpoints } from '../backup/after-restore';
import {
  BACKUP_USAGE,
  describeStore,
  embeddedStoreFile,
  parseBackupArguments,
  UsageError,
} from '../backup/backup-arguments';

async function main(): Promise<number> {
  const args = parseBackupArguments('restore', process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(BACKUP_USAGE);
    return 0;
  }
  const config = loadConfig();
  const storeFile = embeddedStoreFile(config, 'restore');
  if (storeFile === null) return 2;
  prepareDataDirOf(config, { warn: (message) => process.stderr.write(`${message}\n`) });
  const { summary, movedAside } = restoreEventStore(args.file, storeFile, { force: args.force });
  process.stdout.write(
    `Restored ${describeStore(summary)} from ${args.file} to ${summary.file}.\n` +
      (movedAside
        ? `The event store that was there is now ${movedAside} (delete it when you no longer need it).\n`
        : ''),
  );

  const where = config.readModels.kind === 'sqlite' ? config.readModels.file : redact(config.readModels.url);
  process.stderr.write(`Rebuilding the read models in ${where} from the restored events\n`);
  try {
    const store = openEventStore(config.eventStore);
    try {
      const dataSource = await createReadModelDataSource(config.readModels);
      try {
        const results = await rebuildProjections(store, dataSource, projections(), {
          onProgress: (p) => process.stderr.write(`\r  ${p.events.toLocaleString('en')} events replayed`),
        });
        const pulledBack = await pullBackWebhookCheckpoints(
          dataSource,
          summary.lastPosition ?? '0'.repeat(20),
        );
        const parked = results.reduce((sum, result) => sum + result.parked, 0);
        process.stderr.write('\n');
        process.stdout.write(
          `Read models rebuilt: ${results.length} projections` +
            (parked > 0 ? `; ${parked} events parked as dead letters (see projection_dead_letters)` : '') +
            (pulledBack > 0
              ? `; ${pulledBack} webhook(s) had delivered beyond the restored log and resume at its end`
              : '') +
            '.\nStart the service on this DATA_DIR.\n',
        );
        return parked > 0 ? 1 : 0;
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await store.close();
    }
  } catch (error) {
    process.stderr.write(
      `\nThe events were restored, but rebuilding the read models failed: ${error instanceof Error ? error.message : String(error)}\n` +
        'Run `npm run projections:rebuild` before starting the service.\n',
    );
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${BACKUP_USAGE}`);
    else if (error instanceof ConfigError || error instanceof EventStoreFileError)
      process.stderr.write(`Nothing was restored: ${error.message}\n`);
    else
      process.stderr.write(
        `The restore failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
