export * from './event-store.port';
export * from './errors';
export * from './validation';
export * from './event-store.module';
export * from './open-event-store';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { WalCheckpointer, type CheckpointRun } from './sqlite/wal-checkpointer';
export * from './private-files';
export * from './redact-url';
export { eventStoreDbConnectionStringProblem } from './esdb/esdb-connection-string';
export {
  backupEventStore,
  eventStoreFileInUse,
  EventStoreFileError,
  inspectEventStoreFile,
  restoreEventStore,
  type EventStoreFileSummary,
  type EventStoreRestore,
} from './sqlite/sqlite-backup';
