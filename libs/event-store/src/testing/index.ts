/**
 * `@kb/event-store/testing`: the library's helpers for other packages' tests and benchmarks. Not part
 * of the build (tsconfig.build.json leaves testing/ and test/ out); the files stay where the
 * library's own tests use them.
 */
export {
  startEsdbGrpcServer,
  type EsdbGrpcServer,
  type EsdbGrpcServerOptions,
} from '../../test/esdb-grpc-server/esdb-grpc-server';
/** The embedded store's schema, to give a bare better-sqlite3 database the same tables (bench:store). */
export { migrate as migrateSqliteEventStoreSchema } from '../sqlite/sqlite-schema';
