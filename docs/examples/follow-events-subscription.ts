// Follow the knowledge base's events over GraphQL (graphql-ws): catch up from the last position you
// handled, then live, and after a lost connection resume from the last position: no gap, no duplicate.
//   KB_API_KEY=<an ANALYST key> [KB_WS_URL=ws://localhost:3000/graphql] [FROM_POSITION=<position>] \
//     npx ts-node docs/examples/follow-events-subscription.ts
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** The contract's RecordedEvent: one event of an incident or action-item stream (docs/events.md). */
export interface RecordedEvent {
  id: string;
  streamId: string;
  revision: number;
  position: string;
  type: string;
  version: number;
  data: Record<string, unknown>;
  actor: string;
  correlationId: string | null;
  causationId: string | null;
  occurredAt: string;
  recordedAt: string;
}

export interface FollowEventsOptions {
  /** The GraphQL endpoint over WebSocket, e.g. ws://localhost:3000/graphql. */
  url: string;
  /** An API key of role ANALYST or above. */
  apiKey: string;
  /** The position of the last event you handled (exclusive); omitted, only events stored from now on. */
  fromPosition?: string;
  /** Called once per event, in store order; the next one waits for it. Store `event.position` with its effect. */
  onEvent: (event: RecordedEvent) => void | Promise<void>;
  /** Stops following. */
  signal?: AbortSignal;
  retryDelayMs?: number;
}

const EVENTS = `subscription ($filter: EventFilter) {
  events(filter: $filter) {
    id streamId revision position type version data actor correlationId causationId occurredAt recordedAt
  }
}`;

/** Follows the events until `signal` aborts; fails on an error that a retry cannot mend (a bad key). */
export async function followEvents(options: FollowEventsOptions): Promise<void> {
  const { url, apiKey, onEvent, signal, retryDelayMs = 1000 } = options;
  let position = options.fromPosition;
  while (!signal?.aborted) {
    const client = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${apiKey}` },
      retryAttempts: 0, // this loop retries, from the last position handled
    });
    const stop = () => void client.dispose();
    signal?.addEventListener('abort', stop);
    try {
      const results = client.iterate<{ events: RecordedEvent }>({
        query: EVENTS,
        variables: { filter: { fromPosition: position } },
      });
      for await (const { data, errors } of results) {
        if (errors || !data) throw new Error(`The subscription failed: ${JSON.stringify(errors)}`);
        await onEvent(data.events);
        position = data.events.position;
      }
    } catch (error) {
      if (!isConnectionLost(error)) throw error;
      console.warn(`Connection lost; resuming after ${position ?? 'now'} in ${retryDelayMs} ms.`);
    } finally {
      signal?.removeEventListener('abort', stop);
      await client.dispose();
    }
    if (!signal?.aborted) await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
}

/**
 * A network error, or a close by the network or a restart (1006, 1001, 1012, ...): a retry may mend it.
 * Not the service's refusal (a close with 4401, 4403, ...; GraphQL errors) nor an error of onEvent.
 */
function isConnectionLost(error: unknown): boolean {
  const event = error as { type?: unknown; code?: unknown } | null;
  return event?.type === 'error' || (event?.type === 'close' && Number(event.code) < 4000);
}

if (require.main === module) {
  const apiKey = process.env.KB_API_KEY;
  if (!apiKey) throw new Error('Set KB_API_KEY to an API key of role ANALYST or above.');
  followEvents({
    url: process.env.KB_WS_URL ?? 'ws://localhost:3000/graphql',
    apiKey,
    fromPosition: process.env.FROM_POSITION,
    onEvent: (event) => console.log(JSON.stringify(event)),
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
