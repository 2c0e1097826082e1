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
 * The event store with its appends timed, whichever store it is (embedded or EventStoreDB). Every
 * other call goes straight to the store itself (a proxy, so no method of the port is forgotten).
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
  return new Proxy(store, {
    get(target, property) {
      if (property === 'appendToStream') return appendToStream;
      const value: unknown = Reflect.get(target, property, target);
      // Bound to the store: its methods keep their state on it, never on the proxy.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
