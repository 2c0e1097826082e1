/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL payloads are untyped JSON: the tests assert their shape. */
import type { Client, FormattedExecutionResult } from 'graphql-ws';
import type { EventStore, Subscription, SubscribeToAllOptions, SubscriptionMessage } from '@kb/event-store';

/** An error as a graphql-ws client meets it: a GraphQL error (from `error` or `next`), or the socket's close. */
export interface WsError {
  message: string;
  extensions?: Record<string, any>;
}
export interface WsClose {
  code: number;
  reason: string;
}

/**
 * One subscription of a real graphql-ws client, recording everything it receives, with waits on what
 * it has received (no sleeps).
 */
export class LiveSubscription<Data = Record<string, any>> {
  /** The `data` of every `next` message, in arrival order. */
  readonly values: Data[] = [];
  /** GraphQL errors received, from `error` messages or `next` messages carrying errors. */
  readonly errors: WsError[] = [];
  /** Set when the connection closed before or during the subscription. */
  closed: WsClose | null = null;
  completed = false;
  private readonly listeners = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(
    client: Client,
    query: string,
    variables?: Record<string, unknown>,
    private readonly onValue?: (value: Data) => void,
  ) {
    this.unsubscribe = client.subscribe<Data>(
      { query, variables },
      {
        next: (result: FormattedExecutionResult<Data>) => {
          if (result.errors) this.errors.push(...(result.errors as WsError[]));
          if (result.data) {
            this.values.push(result.data);
            this.onValue?.(result.data);
          }
          this.changed();
        },
        error: (error: unknown) => {
          if (Array.isArray(error)) this.errors.push(...(error as WsError[]));
          else if (error && typeof error === 'object' && 'code' in error)
            this.closed = {
              code: (error as { code: number }).code,
              reason: (error as { reason?: string }).reason ?? '',
            };
          else this.errors.push({ message: String(error) });
          this.changed();
        },
        complete: () => {
          this.completed = true;
          this.changed();
        },
      },
    );
  }

  /** Resolves once `condition` holds on what was received; fails after `timeoutMs` saying what it waited for. */
  until(condition: (sub: this) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (condition(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition(this)) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${what}; received ${this.values.length} values, errors ${JSON.stringify(this.errors)}, closed ${JSON.stringify(this.closed)}, completed ${this.completed}`,
          ),
        );
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  /** Resolves when the subscription ended: with errors, completed, or its connection closed. */
  ended(timeoutMs = 15_000): Promise<void> {
    return this.until(
      (s) => s.completed || s.closed !== null || s.errors.length > 0,
      'the subscription to end',
      timeoutMs,
    );
  }

  /** Tells the server the client no longer wants it (graphql-ws `complete`). */
  stop(): void {
    this.unsubscribe();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** Polls a condition of the server (no other signal to wait on) until it holds or `timeoutMs` passes. */
export async function eventually(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What became of one store subscription the server opened. */
export interface OpenedStoreSubscription {
  readonly options: SubscribeToAllOptions | undefined;
  /** close() was called. */
  closed: boolean;
  /** Its iteration finished (the store's loop returned): no work of it is left. */
  finished: boolean;
  /** Position of the last event it yielded. */
  lastYielded: string | null;
  /** The consumer asked for the next message after the last yielded one: that one is fully handled. */
  pulledAfterLast: boolean;
}

/**
 * Watches the store subscriptions the server opens from now on (the catch-up subscriptions every
 * GraphQL subscription is built on): when they are opened and closed, how far they got.
 */
export function watchStoreSubscriptions(store: EventStore): {
  readonly opened: OpenedStoreSubscription[];
  restore(): void;
} {
  const original = store.subscribeToAll.bind(store);
  const opened: OpenedStoreSubscription[] = [];
  const spy = jest.spyOn(store, 'subscribeToAll').mockImplementation((options) => {
    const inner: Subscription = original(options);
    const record: OpenedStoreSubscription = {
      options,
      closed: false,
      finished: false,
      lastYielded: null,
      pulledAfterLast: false,
    };
    opened.push(record);
    return {
      [Symbol.asyncIterator]: () => {
        const messages = inner[Symbol.asyncIterator]();
        return {
          async next() {
            record.pulledAfterLast = true;
            const message = await messages.next();
            if (message.done) record.finished = true;
            else if (message.value.kind === 'event') {
              record.lastYielded = message.value.event.position;
              record.pulledAfterLast = false;
            }
            return message;
          },
          async return() {
            const result = await (messages.return?.() ?? Promise.resolve({ done: true, value: undefined }));
            record.finished = true;
            return result;
          },
        } as AsyncIterator<SubscriptionMessage>;
      },
      close: async () => {
        record.closed = true;
        await inner.close();
      },
    };
  });
  return { opened, restore: () => spy.mockRestore() };
}
