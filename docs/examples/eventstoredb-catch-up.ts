// Follow the knowledge base's log in EventStoreDB directly, as a data warehouse loader would: a
// catch-up subscription to $all, filtered on the server to the incident and action-item streams,
// resumed after the last position handled.
//   EVENTSTORE_URL='esdb://reader:...@node1:2113?tls=true' [FROM_POSITION=<commit>/<prepare>] \
//     npx ts-node docs/examples/eventstoredb-catch-up.ts
import {
  EventStoreDBClient,
  START,
  streamNameFilter,
  type AllStreamRecordedEvent,
  type Position,
} from '@eventstore/db-client';

/**
 * The streams an integration reads. Never the others: `api-key-` streams hold key hashes and
 * `webhook-` streams hold signing secrets in plain text (docs/adr/0006-webhook-secrets.md).
 */
export const STREAM_PREFIXES = ['incident-', 'action-item-'];

export interface CatchUpOptions {
  /** An EventStoreDB connection string, of a user that may read $all and nothing more. */
  connectionString: string;
  /** The position of the last event you handled (exclusive); omitted, from the start of the log. */
  fromPosition?: Position;
  /** Called once per event, in log order; the next one waits for it. Store `event.position` with its effect. */
  onEvent: (event: AllStreamRecordedEvent) => void | Promise<void>;
  /** Stops following. */
  signal?: AbortSignal;
  retryDelayMs?: number;
}

/** Follows the log until `signal` aborts; after a dropped subscription, resumes after the last event handled. */
export async function catchUp(options: CatchUpOptions): Promise<void> {
  const { onEvent, signal, retryDelayMs = 1000 } = options;
  const client = EventStoreDBClient.connectionString(options.connectionString);
  let position = options.fromPosition;
  try {
    while (!signal?.aborted) {
      const subscription = client.subscribeToAll({
        fromPosition: position ?? START,
        filter: streamNameFilter({ prefixes: STREAM_PREFIXES }),
      });
      const stop = () => void subscription.unsubscribe();
      signal?.addEventListener('abort', stop);
      try {
        for await (const { event } of subscription) {
          if (!event) continue;
          await onEvent(event);
          position = event.position;
        }
      } catch (error) {
        if (signal?.aborted) break;
        const after = position ? formatPosition(position) : 'the start';
        console.warn(`Subscription dropped (${String(error)}); resuming after ${after}.`);
        await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
      } finally {
        signal?.removeEventListener('abort', stop);
      }
    }
  } finally {
    await client.dispose();
  }
}

/** A position as text, `<commit>/<prepare>`, to store and to read back with `parsePosition`. */
export function formatPosition(position: Position): string {
  return `${position.commit}/${position.prepare}`;
}

export function parsePosition(text: string): Position {
  const [commit, prepare] = text.split('/');
  return { commit: BigInt(commit), prepare: BigInt(prepare ?? commit) };
}

if (require.main === module) {
  const connectionString = process.env.EVENTSTORE_URL;
  if (!connectionString) throw new Error("Set EVENTSTORE_URL, e.g. 'esdb://localhost:2113?tls=false'.");
  catchUp({
    connectionString,
    fromPosition: process.env.FROM_POSITION ? parsePosition(process.env.FROM_POSITION) : undefined,
    onEvent: (event) =>
      console.log(formatPosition(event.position), event.type, event.streamId, JSON.stringify(event.data)),
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
