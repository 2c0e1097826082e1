import { EventStoreDBClient } from '@eventstore/db-client';
import { InvalidEventStoreInputError } from '../errors';
import { hideUrlSecrets } from '../redact-url';

/**
 * A client for an `esdb://` connection string (it connects lazily, on its first call). The client's
 * parser quotes the string in its errors and prints it whole in its warnings (an unknown option,
 * `tlsVerifyCert=false`); both are passed on with the password hidden.
 *
 * @throws InvalidEventStoreInputError for a string the client cannot parse, the password hidden
 */
export function connectToEventStoreDb(connectionString: string): EventStoreDBClient {
  const warn = console.warn;
  console.warn = (...args: unknown[]) =>
    warn(...args.map((arg) => (typeof arg === 'string' ? hideUrlSecrets(arg, connectionString) : arg)));
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new InvalidEventStoreInputError('connectionString', hideUrlSecrets(message, connectionString));
  } finally {
    console.warn = warn;
  }
}

/**
 * Why EventStoreDB's client refuses `connectionString` (its rule, the password hidden), or undefined
 * when it takes it. Nothing is connected.
 */
export function eventStoreDbConnectionStringProblem(connectionString: string): string | undefined {
  try {
    connectToEventStoreDb(connectionString);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventStoreInputError) return error.rule;
    throw error;
  }
}
