import type { EventStore, StoredEvent, Subscription } from '@kb/event-store';

/**
 * Turns a store subscription into the AsyncIterator a GraphQL subscription returns: each stored
 * event mapped (null skips it), in store order; when the client goes away, the store subscription is
 * closed. `allowed` is asked before each event: once it says no (the caller's key was revoked), the
 * subscription ends and nothing more is delivered.
 */
export function liveEvents<Out>(
  subscription: Subscription,
  map: (event: StoredEvent) => Promise<Out | null>,
  allowed: () => Promise<boolean> = async () => true,
): AsyncIterableIterator<Out> {
  const messages = subscription[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<Out> = {
    async next(): Promise<IteratorResult<Out>> {
      for (;;) {
        const message = await messages.next();
        if (message.done) return { done: true, value: undefined };
        if (message.value.kind !== 'event') continue;
        if (!(await allowed())) {
          await subscription.close();
          return { done: true, value: undefined };
        }
        const value = await map(message.value.event);
        if (value !== null) return { done: false, value };
      }
    },
    async return(): Promise<IteratorResult<Out>> {
      await subscription.close();
      return { done: true, value: undefined };
    },
    async throw(error?: unknown): Promise<IteratorResult<Out>> {
      await subscription.close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * The last event of the decision that `event` begins. A command's later events (IncidentStatusChanged
 * after the MilestoneRecorded that caused it) are appended with it, each naming the one before it as
 * its cause; `event` itself is returned when nothing follows from it.
 */
export async function lastEventOfDecision(store: EventStore, event: StoredEvent): Promise<StoredEvent> {
  let last = event;
  for (;;) {
    const [next] = await store.readStream(event.streamId, { fromRevision: last.revision + 1, maxCount: 1 });
    if (next === undefined || next.metadata.causationId !== last.id) return last;
    last = next;
  }
}
