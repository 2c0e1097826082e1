/**
 * `npm run backup -- <file>`: an online backup of the embedded event store (DATA_DIR/events.db) into
 * a new file, consistent while the service keeps writing, mode 0600. Read models are not in it: a
 * restore rebuilds them from the events. EventStoreDB has its own procedure
 * (docs/operations/topology-and-backup.md).
 */
import { backupEventStore, EventStoreFileError } from '@kb/event-store';
import { ConfigError, loadConfig } from '../config/app-config';
import {
  BACKUP_USAGE,
  describeStore,
  embeddedStoreFile,
  parseBackupArguments,
  UsageError,
} from '../backup/backup-arguments';

async function main(): Promise<number> {
  const args = parseBackupArguments('backup', process.argv.slice(2));
  if (args === 'help') {
    process.stdout.write(BACKUP_USAGE);
    return 0;
  }
  const config = loadConfig();
  const storeFile = embeddedStoreFile(config, 'back up');
  if (storeFile === null) return 2;
  const started = Date.now();
  const summary = await backupEventStore(storeFile, args.file);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `Backed up ${describeStore(summary)} from ${storeFile} to ${summary.file} (mode 0600) in ${seconds} s.\n` +
      'Read models are not in it: a restore rebuilds them from the events.\n',
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${BACKUP_USAGE}`);
    else if (error instanceof ConfigError || error instanceof EventStoreFileError)
      process.stderr.write(`${error.message}\n`);
    else
      process.stderr.write(
        `The backup failed, no backup file was written: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
