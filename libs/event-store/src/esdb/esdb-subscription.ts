import type {
  AllStreamResolvedEvent,
  AllStreamSubscription,
  ResolvedEvent,
  StreamSubscription,
} from '@eventstore/db-client';
import type { StoredEvent, Subscription, SubscriptionMessage } from '../event-store.port';
import { isPermanentSubscriptionFailure } from './esdb-errors.mapper';

export type ClientSubscription = AllStreamSubscription | StreamSubscription;
export type ClientResolvedEvent = AllStreamResolvedEvent | ResolvedEvent;

/** Where a subscription stands in its source: before everything, or just after a known event. */
export type Cursor<C> = 'start' | C;

/** What differs between a subscription to `$all` (cursor: log position) and to a stream (revision). */
export interface SubscriptionSource<C> {
  /** The cursor of the source's last event now, so that `end` can be pinned down before subscribing. */
  head(): Promise<Cursor<C>>;
  /**
   * A client catch-up subscription delivering what comes after `after` (exclusive). `onProgress` is
   * called when the server reports progress without an event (a checkpoint of a filtered read).
   */
  open(after: Cursor<C>, onProgress: () => void): ClientSubscription;
  cursorOf(resolved: ClientResolvedEvent): C | undefined;
  compare(a: C, b: C): number;
  /** The event to deliver, or undefined when the port's filter (applied client-side) rejects it. */
  toEvent(resolved: ClientResolvedEvent): StoredEvent | undefined;
  /** Whether the store holds a deliverable event after `cursor`: the watchdog's look at the head. */
  hasEventsAfter(cursor: Cursor<C>): Promise<boolean>;
  toPortError(error: unknown): unknown;
}

export interface EsdbSubscriptionSettings {
  /** How often a silent subscription is checked against the head of its source. */
  readonly watchdogIntervalMs: number;
  readonly reconnectInitialDelayMs: number;
  readonly reconnectMaxDelayMs: number;
  /** Messages buffered for a slow consumer before the client stream is paused; it resumes at half. */
  readonly highWaterMark: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: EsdbSubscriptionSettings = {
  watchdogIntervalMs: 10_000,
  reconnectInitialDelayMs: 100,
  reconnectMaxDelayMs: 5_000,
  highWaterMark: 256,
};

type Outcome = 'dropped' | 'restart' | 'closed';

interface Connection {
  readonly subscription: ClientSubscription;
  /** Whether the connection delivered anything: only then does the reconnect backoff start over. */
  progressed: boolean;
  end(outcome: Outcome): Promise<void>;
}

interface Waiter {
  resolve(result: IteratorResult<SubscriptionMessage>): void;
  reject(error: Error): void;
}

/**
 * A port subscription over the client's catch-up subscriptions. It survives drops: when the server
 * ends or fails the call, it resubscribes after the last event it saw, with exponential backoff and
 * jitter, skipping anything at or before that cursor so nothing is delivered twice. A watchdog
 * restarts a subscription that went silent while its source has moved on. It pulls: when the
 * consumer falls behind, the client stream is paused (and with it the gRPC flow) instead of buffering
 * without bound.
 */
export class EsdbSubscription<C> implements Subscription {
  private readonly queue: SubscriptionMessage[] = [];
  private waiter: Waiter | undefined;
  private cursor: Cursor<C> | 'end';
  private connection: Connection | undefined;
  private paused = false;
  private caughtUpDelivered = false;
  private closed = false;
  private failure: { error: Error } | undefined;
  private iterated = false;
  private attempt = 0;
  /** Counts what the client delivered, checkpoints included; the watchdog compares it between checks. */
  private activity = 0;
  private readonly watchdog: NodeJS.Timeout;
  private wakeFromBackoff: (() => void) | undefined;
  private unsubscribing: Promise<void> = Promise.resolve();
  private readonly running: Promise<void>;

  constructor(
    private readonly source: SubscriptionSource<C>,
    from: Cursor<C> | 'end',
    private readonly settings: EsdbSubscriptionSettings,
    private readonly onClosed: (subscription: EsdbSubscription<C>) => void = () => undefined,
  ) {
    this.cursor = from;
    this.watchdog = this.startWatchdog();
    this.running = this.run().catch((error: unknown) => this.fail(error));
  }

  [Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    if (this.iterated) throw new Error('A subscription can be iterated only once.');
    this.iterated = true;
    return {
      next: () => this.next(),
      return: async () => {
        await this.close();
        return { done: true, value: undefined };
      },
    };
  }

  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stop();
      this.queue.length = 0;
      this.waiter?.resolve({ done: true, value: undefined });
      this.waiter = undefined;
      this.onClosed(this);
    }
    await this.running;
    await this.unsubscribing;
  }

  // ---- consumer side -----------------------------------------------------------------------------

  private next(): Promise<IteratorResult<SubscriptionMessage>> {
    const message = this.queue.shift();
    if (message) {
      this.applyBackpressure();
      return Promise.resolve({ done: false, value: message });
    }
    if (this.failure) return Promise.reject(this.failure.error);
    if (this.closed) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  private deliver(message: SubscriptionMessage): void {
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter.resolve({ done: false, value: message });
      return;
    }
    this.queue.push(message);
    this.applyBackpressure();
  }

  private applyBackpressure(): void {
    const subscription = this.connection?.subscription;
    if (!subscription) return;
    if (!this.paused && this.queue.length >= this.settings.highWaterMark) {
      this.paused = true;
      subscription.pause();
    } else if (this.paused && this.queue.length <= this.settings.highWaterMark / 2) {
      this.paused = false;
      subscription.resume();
    }
  }

  // ---- connection loop ---------------------------------------------------------------------------

  private async run(): Promise<void> {
    while (!this.closed) {
      let outcome: Outcome;
      try {
        if (this.cursor === 'end') this.cursor = await this.source.head();
        if (this.closed) break;
        outcome = await this.connect(this.cursor);
      } catch (error) {
        if (this.closed) break;
        if (isPermanentSubscriptionFailure(error)) {
          this.fail(this.source.toPortError(error));
          break;
        }
        outcome = 'dropped';
      }
      if (this.connection?.progressed) this.attempt = 0;
      this.connection = undefined;
      if (outcome === 'dropped' && !this.closed) await this.backoff();
    }
  }

  private connect(after: Cursor<C>): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const subscription = this.source.open(after, () => {
        this.activity += 1;
      });
      let received = 0;
      let caughtUpAfter: number | undefined;
      let settled = false;
      const listeners: Array<[string, (...args: unknown[]) => void]> = [];
      const listen = <A extends unknown[]>(event: string, listener: (...args: A) => void) => {
        const untyped = listener as unknown as (...args: unknown[]) => void;
        listeners.push([event, untyped]);
        subscription.on(event, untyped);
      };
      const settle = (finish: () => void): Promise<void> => {
        if (settled) return Promise.resolve();
        settled = true;
        for (const [event, listener] of listeners) subscription.removeListener(event, listener);
        // A late error from a call we gave up on must not go unhandled.
        subscription.on('error', () => undefined);
        finish();
        return subscription.unsubscribe().catch(() => undefined);
      };
      const connection: Connection = {
        subscription,
        progressed: false,
        end: (outcome) => settle(() => resolve(outcome)),
      };
      listen('data', (resolved: ClientResolvedEvent) => {
        received += 1;
        this.activity += 1;
        connection.progressed = true;
        this.receive(resolved);
        if (received === caughtUpAfter) this.deliverCaughtUp();
      });
      listen('caughtUp', () => {
        this.activity += 1;
        connection.progressed = true;
        // The client signals caught-up as it parses the message, while events parsed before it may
        // still wait in the stream's buffer: deliver it right after those.
        const pending = subscription.readableLength;
        if (pending === 0) this.deliverCaughtUp();
        else caughtUpAfter = received + pending;
      });
      listen('error', (error: Error) => void settle(() => reject(error)));
      listen('end', () => void settle(() => resolve('dropped')));
      listen('close', () => void settle(() => resolve('dropped')));
      this.connection = connection;
      this.paused = false;
      this.applyBackpressure();
    });
  }

  private receive(resolved: ClientResolvedEvent): void {
    const cursor = this.source.cursorOf(resolved);
    if (cursor === undefined) return;
    const current = this.cursor;
    if (current !== 'start' && current !== 'end' && this.source.compare(cursor, current) <= 0) return;
    this.cursor = cursor;
    const event = this.source.toEvent(resolved);
    if (event) this.deliver({ kind: 'event', event });
  }

  private deliverCaughtUp(): void {
    if (this.caughtUpDelivered) return;
    this.caughtUpDelivered = true;
    this.deliver({ kind: 'caughtUp' });
  }

  private backoff(): Promise<void> {
    const ceiling = Math.min(
      this.settings.reconnectMaxDelayMs,
      this.settings.reconnectInitialDelayMs * 2 ** Math.min(this.attempt, 30),
    );
    this.attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wakeFromBackoff = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private fail(failure: unknown): void {
    const error = failure instanceof Error ? failure : new Error(String(failure));
    this.failure = { error };
    this.closed = true;
    this.stop();
    this.onClosed(this);
    if (this.waiter) {
      this.waiter.reject(error);
      this.waiter = undefined;
    }
  }

  private stop(): void {
    clearInterval(this.watchdog);
    this.wakeFromBackoff?.();
    if (this.connection) this.unsubscribing = this.connection.end('closed');
  }

  // ---- watchdog ----------------------------------------------------------------------------------

  /**
   * Declares the subscription stalled when the source held a deliverable event after our cursor at
   * the previous check and nothing has arrived since. Requiring a full interval avoids restarting a
   * healthy subscription for an event appended just before a check.
   */
  private startWatchdog(): NodeJS.Timeout {
    let seen = this.activity;
    let behind = false;
    let checking = false;
    const check = async () => {
      const connection = this.connection;
      const cursor = this.cursor;
      if (this.activity !== seen || !connection || this.paused || cursor === 'end') {
        seen = this.activity;
        behind = false;
        return;
      }
      if (behind) {
        behind = false;
        this.attempt = 0;
        await connection.end('restart');
        return;
      }
      behind = await this.source.hasEventsAfter(cursor).catch(() => false);
      if (this.activity !== seen) behind = false;
    };
    const timer = setInterval(() => {
      if (checking) return;
      checking = true;
      void check().finally(() => (checking = false));
    }, this.settings.watchdogIntervalMs);
    timer.unref();
    return timer;
  }
}
