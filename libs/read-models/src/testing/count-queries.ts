import type { DataSource, Logger } from 'typeorm';

/** Counts the SQL statements a data source sends, from `countQueries` until `stop`. */
export interface QueryCounter {
  /** Statements sent so far (transaction control included, when there is any). */
  readonly count: number;
  /** Their SQL text, in the order sent. */
  readonly statements: readonly string[];
  reset(): void;
  /** Puts the data source's own logger back. */
  stop(): void;
}

/**
 * Wraps the data source's logger: every driver query goes through `logQuery`, whatever the logging
 * option says, so each statement is counted once. For N+1 tests.
 */
export function countQueries(dataSource: DataSource): QueryCounter {
  const original = dataSource.logger;
  const statements: string[] = [];
  const counting: Logger = {
    logQuery: (query, parameters, queryRunner) => {
      statements.push(query);
      original.logQuery(query, parameters, queryRunner);
    },
    logQueryError: (error, query, parameters, queryRunner) => {
      original.logQueryError(error, query, parameters, queryRunner);
    },
    logQuerySlow: (time, query, parameters, queryRunner) => {
      original.logQuerySlow(time, query, parameters, queryRunner);
    },
    logSchemaBuild: (message, queryRunner) => {
      original.logSchemaBuild(message, queryRunner);
    },
    logMigration: (message, queryRunner) => {
      original.logMigration(message, queryRunner);
    },
    log: (level, message, queryRunner) => {
      original.log(level, message, queryRunner);
    },
  };
  dataSource.logger = counting;
  return {
    get count() {
      return statements.length;
    },
    get statements() {
      return [...statements];
    },
    reset() {
      statements.length = 0;
    },
    stop() {
      if (dataSource.logger === counting) dataSource.logger = original;
    },
  };
}
