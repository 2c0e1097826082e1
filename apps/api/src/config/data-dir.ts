import { chmodSync, statSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import { makePrivateDirectory, ownedByThisProcess, PRIVATE_DIRECTORY_MODE } from '@kb/event-store';
import type { AppConfig } from './app-config';

/** The little of a logger this uses (Nest's Logger, or a test's). */
export interface WarningLogger {
  warn(message: string): void;
}

/** Whether anything of this configuration lives under DATA_DIR (the embedded store, SQLite read models). */
export function usesDataDir(config: Pick<AppConfig, 'eventStore' | 'readModels'>): boolean {
  return config.eventStore.kind === 'embedded' || config.readModels.kind === 'sqlite';
}

/**
 * Makes DATA_DIR private before anything is opened in it: created with mode 0700 (whatever the
 * umask), or, when it exists open to the group or others and is ours, tightened to 0700 with a
 * warning that says so. One that is not ours is left as it is, with a warning.
 */
export function prepareDataDir(dataDir: string, logger: WarningLogger = new Logger('DataDir')): void {
  if (makePrivateDirectory(dataDir)) return;
  const { mode, uid } = statSync(dataDir);
  if ((mode & 0o077) === 0) return;
  const was = `0${(mode & 0o777).toString(8)}`;
  if (!ownedByThisProcess(uid)) {
    logger.warn(
      `DATA_DIR ${dataDir} is open to other users (mode ${was}) and belongs to another user, so it is left as it is; make it 0700.`,
    );
    return;
  }
  chmodSync(dataDir, PRIVATE_DIRECTORY_MODE);
  logger.warn(`DATA_DIR ${dataDir} was open to other users (mode ${was}); its mode is now 0700.`);
}

/** {@link prepareDataDir} when the configuration keeps anything under DATA_DIR; else nothing. */
export function prepareDataDirOf(
  config: Pick<AppConfig, 'dataDir' | 'eventStore' | 'readModels'>,
  logger?: WarningLogger,
): void {
  if (usesDataDir(config)) prepareDataDir(config.dataDir, logger);
}
