import { resolve } from 'node:path';
import { describeStore, parseBackupArguments } from './backup-arguments';

describe('the arguments of npm run backup and restore', () => {
  it('takes one file, made absolute, and --force for a restore', () => {
    expect(parseBackupArguments('backup', ['kb.db'])).toEqual({ file: resolve('kb.db'), force: false });
    expect(parseBackupArguments('restore', ['--force', '/b/kb.db'])).toEqual({
      file: '/b/kb.db',
      force: true,
    });
    expect(parseBackupArguments('restore', ['-h'])).toBe('help');
  });

  it('says what is wrong', () => {
    expect(() => parseBackupArguments('backup', [])).toThrow(
      'npm run backup needs the backup file: npm run backup -- <file>.',
    );
    expect(() => parseBackupArguments('restore', ['a.db', 'b.db'])).toThrow(
      'npm run restore takes one file, not 2 (a.db, b.db).',
    );
    expect(() => parseBackupArguments('backup', ['a.db', '--force'])).toThrow(
      'npm run backup does not know --force.',
    );
  });

  it('describes what a store holds', () => {
    const summary = { file: 'f', schemaVersion: 1 };
    expect(
      describeStore({ ...summary, events: 1234, streams: 56, lastPosition: '00000000000000001290' }),
    ).toBe('1,234 events in 56 streams, up to position 00000000000000001290');
    expect(describeStore({ ...summary, events: 0, streams: 0, lastPosition: null })).toBe(
      'an empty event store (no events)',
    );
  });
});
