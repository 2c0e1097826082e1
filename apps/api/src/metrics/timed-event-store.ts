import {
  WrongExpectedVersionError,
  type AppendOptions,
  type AppendResult,
  type EventStore,
  type EventToAppend,
} from '@kb/event-store';

/** How an append ended: stored (or an idempotent retry), refused for its expected revision, or failed. */
export type AppendOutcome = 'ok' | 'wrong_expected_version' | 'error';

/**
 * The event store with its appends timed, whichever store it is (embedded or EventStoreDB): a proxy,
 * so no method of the port can be forgotten.
 */
export function timedAppends(
  store: EventStore,
  observe: (seconds: number, outcome: AppendOutcome) => void,
): EventStore {
  const appendToStream = async (
    streamId: string,
    events: readonly EventToAppend[],
    options?: AppendOptions,
  ): Promise<AppendResult> => {
    const started = process.hrtime.bigint();
    const seconds = () => Number(process.hrtime.bigint() - started) / 1e9;
    try {
      const result = await store.appendToStream(streamId, events, options);
      observe(seconds(), 'ok');
      return result;
    } catch (error) {
      observe(seconds(), error instanceof WrongExpectedVersionError ? 'wrong_expected_version' : 'error');
      throw error;
    }
  };
  // Only the append is intercepted: every other property is the store's own (methods unbound, so a
  // test may still spy on them), and what a method writes to `this` lands on the store.
  return new Proxy(store, {
    get: (target, property, receiver): unknown =>
      property === 'appendToStream' ? appendToStream : Reflect.get(target, property, receiver),
  });
}
