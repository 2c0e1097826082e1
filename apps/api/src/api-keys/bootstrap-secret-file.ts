import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makePrivateDirectory } from '@kb/event-store';

export class SecretFileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists and is not overwritten.`);
    this.name = 'SecretFileExistsError';
  }
}

/**
 * Writes `secret` and a newline to `file`, readable and writable only by this user (0600), atomically:
 * the content goes to a temporary file in the same folder, is flushed, and is then hard-linked to
 * `file`, which fails when `file` exists (never overwritten). Readers see the whole file or none.
 * Where hard links are not supported, `file` is created exclusively and written in place.
 */
export function writeSecretFileOnce(file: string, secret: string): void {
  makePrivateDirectory(dirname(file));
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writePrivate(temporary, secret);
  try {
    linkSync(temporary, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new SecretFileExistsError(file);
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
    writePrivate(file, secret);
  } finally {
    unlinkSync(temporary);
  }
  fsyncFolder(dirname(file));
}

function writePrivate(file: string, secret: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new SecretFileExistsError(file);
    throw error;
  }
  try {
    fchmodSync(fd, 0o600); // whatever the umask
    writeSync(fd, `${secret}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a folder; the file itself is flushed.
  }
}
