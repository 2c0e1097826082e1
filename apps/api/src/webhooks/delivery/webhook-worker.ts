import { Logger } from '@nestjs/common';
import type { EventStore, StoredEvent, Subscription } from '@kb/event-store';
import type { WebhookDeliveryRow } from '@kb/read-models';
import { toRecordedEvent } from '../../event-log/recorded-event.type';
import type { AttemptResult, ObserveDelivery, SendAttempt, SignDelivery } from './delivery-transport';
import type { DeliveryRecorder } from './delivery-recorder';
import { nextAttemptAfterFailure, type RetryPolicy } from './retry-policy';
import { StreamLanes } from './stream-lanes';

/** Events queued per lane, at most: what a worker holds in memory is lanes × this. */
const LANE_BUFFER = 64;

/** What a webhook worker needs of its webhook: where to, what, signed with what, from where. */
export interface DeliveryTarget {
  readonly id: string;
  readonly url: string;
  /** Empty: every event type of the deliverable streams. */
  readonly eventTypes: readonly string[];
  readonly secret: string;
  /** Where delivery starts when there is no checkpoint yet: the position of the webhook's creation. */
  readonly createdPosition: string;
}

export interface WorkerSettings {
  readonly policy: RetryPolicy;
  readonly timeoutMs: number;
  readonly allowPrivate: boolean;
  /** The streams whose events webhooks get: incidents and action items, never keys or webhooks. */
  readonly streamPrefixes: readonly string[];
  /**
   * Deliveries in flight at once per webhook, each on its own streams: a stream always goes to the
   * same lane, so its events arrive in order, and a slow answer holds only the streams of its lane.
   */
  readonly lanes: number;
}

export interface WorkerDependencies {
  readonly store: EventStore;
  readonly recorder: DeliveryRecorder;
  readonly send: SendAttempt;
  readonly sign: SignDelivery;
  /** The saved checkpoint of a webhook, null before its first. */
  readonly checkpointOf: (webhookId: string) => Promise<string | null>;
  /** The saved rows of a webhook's deliveries after a position, to resume their attempts after a restart. */
  readonly savedDeliveriesAfter: (webhookId: string, position: string) => Promise<WebhookDeliveryRow[]>;
  readonly deliveryIdOf: (webhookId: string, eventId: string) => string;
  readonly clock?: () => Date;
  /** Told of each attempt's new state, with when its event was recorded (metrics); must not throw. */
  readonly observe?: ObserveDelivery;
}

/**
 * Delivers one webhook's events from its checkpoint, in order within each stream: the streams are
 * spread over a few lanes, each lane sends one delivery at a time in the order of the log. A failing
 * delivery is retried with backoff and holds the events after it in its lane until it succeeds or
 * its window passes (then it is FAILED and delivery goes on); the checkpoint never passes it. Each
 * webhook has its own worker: a slow or dead receiver holds nobody else.
 */
export class WebhookWorker {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly abort = new AbortController();
  private subscription: Subscription | undefined;
  private done: Promise<void> | undefined;
  /** The position of the last event delivered or given up on (saved a moment later); null before. */
  position: string | null = null;
  /** Saved rows of the deliveries in flight when the worker last stopped, by id. */
  private resumed = new Map<string, WebhookDeliveryRow>();

  constructor(
    readonly target: DeliveryTarget,
    private readonly settings: WorkerSettings,
    private readonly deps: WorkerDependencies,
  ) {}

  start(): void {
    this.done ??= this.run();
  }

  /** Stops at once: the attempt in flight is aborted, nothing more is sent. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.subscription?.close();
    await this.done;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.follow();
      } catch (error) {
        if (this.stopped) return;
        this.logger.warn(
          `Delivery to webhook ${this.target.id} stopped (${error instanceof Error ? error.message : String(error)}); resuming from its checkpoint in 1 s.`,
        );
        await this.sleep(1_000);
      }
    }
  }

  private async follow(): Promise<void> {
    // In memory first: after a subscription failure the worker resumes where it is, not where it saved.
    const checkpoint =
      this.position ?? (await this.deps.checkpointOf(this.target.id)) ?? this.target.createdPosition;
    if (this.stopped) return;
    this.position = checkpoint;
    // Read once, not per event: the only saved rows after the checkpoint are those of the deliveries
    // in flight when the worker last stopped.
    this.resumed = new Map(
      (await this.deps.savedDeliveriesAfter(this.target.id, checkpoint)).map((row) => [row.id, row]),
    );
    const lanes = new StreamLanes<StoredEvent>(
      this.settings.lanes,
      LANE_BUFFER,
      (event) => this.deliver(event),
      (position) => {
        if (this.stopped) return;
        this.position = position;
        this.deps.recorder.checkpoint(this.target.id, position);
      },
    );
    this.subscription = this.deps.store.subscribeToAll({
      fromPosition: checkpoint,
      filter: {
        streamPrefixes: this.settings.streamPrefixes,
        eventTypes: this.target.eventTypes.length > 0 ? this.target.eventTypes : undefined,
      },
    });
    try {
      for await (const message of this.subscription) {
        if (this.stopped) return;
        if (message.kind === 'event') await lanes.push(message.event);
      }
    } finally {
      await this.subscription.close();
      // What is queued is delivered (or the worker stops) before a restart reads from the checkpoint.
      await lanes.drain();
    }
  }

  /** Delivers one event, retrying until it is delivered, FAILED, or the worker stops. */
  private async deliver(event: StoredEvent): Promise<void> {
    const id = this.deps.deliveryIdOf(this.target.id, event.id);
    let row = this.deps.recorder.unwritten(id) ?? this.resumed.get(id) ?? newRow(id, this.target.id, event);
    this.resumed.delete(id);
    // Delivered already (the checkpoint had not been saved yet): at least once means it may be sent
    // again, but there is no need to.
    if (row.status === 'DELIVERED' || row.status === 'FAILED') return;
    const body = JSON.stringify(toRecordedEvent(event));
    while (!this.stopped) {
      if (row.nextAttemptAt !== null) await this.sleepUntil(new Date(row.nextAttemptAt));
      if (this.stopped) return;
      row = await this.attempt(row, body, event.recordedAt);
      if (row.status === 'DELIVERED' || row.status === 'FAILED') return;
    }
  }

  /** One attempt of a delivery, its new state recorded. Used for redeliveries too. */
  async attempt(row: WebhookDeliveryRow, body: string, recordedAt: Date): Promise<WebhookDeliveryRow> {
    const started = this.now();
    const headers = this.deps.sign({
      deliveryId: row.id,
      timestamp: started,
      body,
      secret: this.target.secret,
    });
    let result: AttemptResult;
    try {
      result = await this.deps.send({
        url: this.target.url,
        body,
        headers,
        timeoutMs: this.settings.timeoutMs,
        allowPrivate: this.settings.allowPrivate,
        signal: this.abort.signal,
      });
    } catch (error) {
      result = {
        delivered: false,
        statusCode: null,
        latencyMs: this.now().getTime() - started.getTime(),
        error: error instanceof Error ? error.message.slice(0, 200) : 'the attempt failed',
      };
    }
    if (this.stopped) return row;
    const attempts = row.attempts + 1;
    const firstAttemptAt = row.firstAttemptAt ?? started.toISOString();
    const common = {
      ...row,
      attempts,
      firstAttemptAt,
      lastAttemptAt: started.toISOString(),
      lastStatusCode: result.statusCode,
      lastLatencyMs: Math.round(result.latencyMs),
    };
    let next: WebhookDeliveryRow;
    if (result.delivered) {
      next = {
        ...common,
        status: 'DELIVERED',
        lastError: null,
        nextAttemptAt: null,
        deliveredAt: this.now().toISOString(),
      };
    } else {
      const retryAt = nextAttemptAfterFailure(
        this.settings.policy,
        attempts,
        new Date(firstAttemptAt),
        this.now(),
      );
      next = {
        ...common,
        status: retryAt === null ? 'FAILED' : 'RETRYING',
        lastError: result.error,
        nextAttemptAt: retryAt?.toISOString() ?? null,
      };
      if (retryAt === null)
        this.logger.warn(
          `Gave up delivering ${row.eventType} (${row.id}) to webhook ${this.target.id} after ${attempts} attempts: ${result.error ?? 'no answer'}. redeliverWebhook sends it again.`,
        );
    }
    this.deps.recorder.delivery(next);
    this.deps.observe?.(next, recordedAt);
    return next;
  }

  private async sleepUntil(at: Date): Promise<void> {
    const ms = at.getTime() - this.now().getTime();
    if (ms > 0) await this.sleep(ms);
  }

  /** Sleeps, woken early when the worker stops. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.abort.signal;
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

function newRow(id: string, webhookId: string, event: StoredEvent): WebhookDeliveryRow {
  return {
    id,
    webhookId,
    eventId: event.id,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    eventType: event.type,
    status: 'PENDING',
    attempts: 0,
    firstAttemptAt: null,
    lastAttemptAt: null,
    lastStatusCode: null,
    lastError: null,
    lastLatencyMs: null,
    nextAttemptAt: null,
    deliveredAt: null,
  };
}
