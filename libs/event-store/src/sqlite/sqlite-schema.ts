import type Database from 'better-sqlite3';

/**
 * Schema of the embedded event store, versioned with `PRAGMA user_version`. Each migration runs once,
 * in order, inside a transaction. Rows of `events` are never updated or deleted: positions (the
 * rowid) are assigned at commit by the single writer and so are never reused.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    position     INTEGER PRIMARY KEY,
    stream_id    TEXT    NOT NULL,
    revision     INTEGER NOT NULL,
    event_id     TEXT    NOT NULL,
    type         TEXT    NOT NULL,
    data         TEXT    NOT NULL,
    metadata     TEXT    NOT NULL,
    recorded_at  INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX events_stream_revision ON events (stream_id, revision);
  CREATE INDEX events_event_id ON events (event_id);

  -- Only streams with metadata, or deleted, have a row: an append writes nothing here, so it
  -- costs one row in events and nothing else. A stream's last revision is max(revision).
  CREATE TABLE stream_metadata (
    stream_id       TEXT    PRIMARY KEY,
    meta_revision   INTEGER NOT NULL,
    max_count       INTEGER,
    truncate_before INTEGER,
    custom_metadata TEXT,
    soft_deleted    INTEGER NOT NULL DEFAULT 0,
    tombstoned      INTEGER NOT NULL DEFAULT 0
  ) WITHOUT ROWID;
  `,
];

/** The schema version this build writes (`PRAGMA user_version` of an up-to-date events.db). */
export const EVENT_STORE_SCHEMA_VERSION = MIGRATIONS.length;

/** The columns of each table of the current schema, in order: what a restore checks a file against. */
export const EVENT_STORE_TABLES: Readonly<Record<string, readonly string[]>> = {
  events: ['position', 'stream_id', 'revision', 'event_id', 'type', 'data', 'metadata', 'recorded_at'],
  stream_metadata: [
    'stream_id',
    'meta_revision',
    'max_count',
    'truncate_before',
    'custom_metadata',
    'soft_deleted',
    'tombstoned',
  ],
};

export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length)
    throw new Error(
      `The event store file was written by a newer version of this service (schema ${current}, this build knows ${MIGRATIONS.length}). Upgrade the service; do not downgrade it.`,
    );
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}
