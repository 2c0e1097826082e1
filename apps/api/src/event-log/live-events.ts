import type { StoredEvent, Subscription } from '@kb/event-store';

/**
 * Turns a store subscription into the AsyncIterator a GraphQL subscription returns: each stored
 * event mapped (null skips it), in store order; when the client goes away, the store subscription is
 * closed.
 */
export function liveEvents<Out>(
  subscription: Subscription,
  map: (event: StoredEvent) => Promise<Out | null>,
): AsyncIterableIterator<Out> {
  const messages = subscription[Symbol.asyncIterator]();
  const iterator: AsyncIterableIterator<Out> = {
    async next(): Promise<IteratorResult<Out>> {
      for (;;) {
        const message = await messages.next();
        if (message.done) return { done: true, value: undefined };
        if (message.value.kind !== 'event') continue;
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
