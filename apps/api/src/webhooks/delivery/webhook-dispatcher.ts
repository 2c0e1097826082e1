import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { ACTION_ITEM_STREAM_PREFIX, INCIDENT_STREAM_PREFIX, webhookStream } from '@kb/domain';
import { CommandExecutor, nameBasedUuid } from '@kb/event-sourcing';
import { EVENT_STORE, MAX_READ_ALL_COUNT, type EventStore } from '@kb/event-store';
import {
  deliveriesAfter,
  dueRedeliveries,
  findWebhookById,
  listWebhooks,
  pruneDeliveredBefore,
  readWebhookCheckpoint,
  type Leases,
} from '@kb/read-models';
import { toRecordedEvent } from '../../event-log/recorded-event.type';
import { LEASES, READ_MODEL_DATA_SOURCE } from '../../read-side/read-side.module';
import type { ObserveDelivery, SendAttempt, SignDelivery } from './delivery-transport';
import { DeliveryRecorder } from './delivery-recorder';
import type { RetryPolicy } from './retry-policy';
import { WebhookWorker } from './webhook-worker';

export const WEBHOOK_DELIVERY_OPTIONS = Symbol('WEBHOOK_DELIVERY_OPTIONS');

export interface WebhookDeliveryOptions {
  /**
   * Whether this process delivers (KB_ROLES has `webhooks`). When not, the dispatcher only answers
   * for the saved state (checkpoint, lag) and another process sends.
   */
  readonly enabled: boolean;
  readonly policy: RetryPolicy;
  /** Per attempt (WEBHOOK_TIMEOUT_MS, default 10 s). */
  readonly timeoutMs: number;
  /** WEBHOOK_ALLOW_PRIVATE: plain http and private addresses, for tests and local development. */
  readonly allowPrivate: boolean;
  readonly send: SendAttempt;
  readonly sign: SignDelivery;
  /** Closes the HTTP connections kept for delivery, at shutdown. */
  readonly close?: () => void;
  /** Told of each attempt's outcome (metrics). */
  readonly observe?: ObserveDelivery;
}

/** Webhooks get the events of incidents and action items only: never API keys' or webhooks'. */
export const DELIVERABLE_STREAM_PREFIXES = [INCIDENT_STREAM_PREFIX, ACTION_ITEM_STREAM_PREFIX];

/** The id of an event's delivery to a webhook: the `webhook-id` header, the same on every attempt. */
export const deliveryIdOf = (webhookId: string, eventId: string) =>
  nameBasedUuid(`webhook-delivery\n${webhookId}\n${eventId}`);

/** Deliveries in flight at once per webhook, on different streams (see WorkerSettings.lanes). */
const LANES_PER_WEBHOOK = 8;

/** How often the list of webhooks is read again (new ones start, deleted ones stop). */
const REFRESH_MS = 1_000;
/** How often redelivered and retrying deliveries behind the checkpoints are looked for. */
const REDELIVERY_MS = 500;
/** DELIVERED deliveries are kept this long for admins to look into, then forgotten (hourly). */
export const DELIVERED_RETENTION_MS = 7 * 24 * 60 * 60_000;
const PRUNE_MS = 60 * 60_000;

/** The lease of webhook delivery: one process delivers to every webhook at a time. */
export const WEBHOOK_DELIVERY_LEASE = 'webhook-delivery';

/**
 * Runs one WebhookWorker per webhook that is not deleted, from the store, in this process. Delivery
 * state (rows, checkpoints) is saved in the read-model database by a DeliveryRecorder.
 *
 * Of several processes sharing the database, the one holding the delivery lease delivers; the others
 * try to take it over every second, and go on from the saved checkpoints when they do.
 */
@Injectable()
export class WebhookDispatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly workers = new Map<string, WebhookWorker>();
  private readonly redelivering = new Set<string>();
  private readonly recorder: DeliveryRecorder;
  private refreshTimer: NodeJS.Timeout | undefined;
  private redeliveryTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();
  private stopped = false;
  private holding = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly executor: CommandExecutor,
    @Inject(WEBHOOK_DELIVERY_OPTIONS) private readonly options: WebhookDeliveryOptions,
    @Inject(LEASES) private readonly leases: Leases,
  ) {
    this.recorder = new DeliveryRecorder(dataSource);
    leases.onLost((names) => {
      if (!names.includes(WEBHOOK_DELIVERY_LEASE) || !this.holding) return;
      this.holding = false;
      this.logger.warn('Lost the delivery lease: stopping delivery here; another process may take over.');
      void this.stopAll();
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.options.enabled) return;
    await this.refresh();
    this.refreshTimer = setInterval(() => void this.refresh(), REFRESH_MS);
    this.redeliveryTimer = setInterval(() => this.redeliverDue(), REDELIVERY_MS);
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_MS);
    void this.prune();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.refreshTimer);
    clearInterval(this.redeliveryTimer);
    clearInterval(this.pruneTimer);
    await this.refreshing;
    await this.stopAll();
    await this.recorder.flush();
    if (this.holding) await this.leases.release(WEBHOOK_DELIVERY_LEASE).catch(() => undefined);
    this.holding = false;
    this.options.close?.();
  }

  private async stopAll(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map((worker) => worker.stop()));
  }

  /** Starts workers for new webhooks and stops those of deleted ones. Safe to call any time. */
  refresh(): Promise<void> {
    if (!this.options.enabled) return Promise.resolve();
    this.refreshing = this.refreshing
      .then(() => this.refreshNow())
      .catch((error: unknown) => {
        this.logger.warn(
          `Could not read the webhooks (${error instanceof Error ? error.message : String(error)}); trying again.`,
        );
      });
    return this.refreshing;
  }

  /** Stops delivery to a webhook at once (it was deleted): the attempt in flight is aborted. */
  async stop(webhookId: string): Promise<void> {
    const worker = this.workers.get(webhookId);
    this.workers.delete(webhookId);
    this.recorder.forget(webhookId);
    await worker?.stop();
  }

  /** The position this webhook has come to, null before its first event (in memory first, else saved). */
  async checkpointOf(webhookId: string): Promise<string | null> {
    return this.workers.get(webhookId)?.position ?? (await readWebhookCheckpoint(this.dataSource, webhookId));
  }

  /**
   * Its events after the checkpoint, counted up to 4,096 (the most one read returns). A running
   * worker knows its webhook; only one that is not running yet is looked up.
   */
  async lagOf(webhookId: string): Promise<number> {
    const webhook: { readonly eventTypes: readonly string[]; readonly createdPosition: string } | null =
      this.workers.get(webhookId)?.target ?? (await findWebhookById(this.dataSource, webhookId));
    if (!webhook) return 0;
    const from = (await this.checkpointOf(webhookId)) ?? webhook.createdPosition;
    const behind = await this.store.readAll({
      fromPosition: from,
      maxCount: MAX_READ_ALL_COUNT,
      filter: {
        streamPrefixes: DELIVERABLE_STREAM_PREFIXES,
        eventTypes: webhook.eventTypes.length > 0 ? webhook.eventTypes : undefined,
      },
    });
    return behind.length;
  }

  /** Makes sure marked redeliveries are written before they are looked for. */
  flush(): Promise<void> {
    return this.recorder.flush();
  }

  private async prune(): Promise<void> {
    try {
      const pruned = await pruneDeliveredBefore(
        this.dataSource,
        new Date(Date.now() - DELIVERED_RETENTION_MS),
      );
      if (pruned > 0) this.logger.log(`Forgot ${pruned} webhook deliveries delivered more than 7 days ago.`);
    } catch (error) {
      this.logger.warn(
        `Could not prune old webhook deliveries (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
  }

  private async refreshNow(): Promise<void> {
    if (this.stopped) return;
    if (!this.holding) {
      if (!(await this.leases.tryAcquire(WEBHOOK_DELIVERY_LEASE))) return;
      this.holding = true;
      if (this.leases.shared) this.logger.log('Holds the delivery lease: delivering from this process.');
    }
    const webhooks = await listWebhooks(this.dataSource);
    const live = new Set(webhooks.map((webhook) => webhook.id));
    for (const id of [...this.workers.keys()]) if (!live.has(id)) await this.stop(id);
    for (const webhook of webhooks) {
      if (this.workers.has(webhook.id) || this.stopped || !this.holding) continue;
      const { state } = await this.executor.load(webhookStream, webhook.id);
      if (!state.exists || state.deletedAt !== null) continue;
      const worker = new WebhookWorker(
        {
          id: webhook.id,
          url: state.url,
          eventTypes: state.eventTypes,
          secret: state.secret,
          createdPosition: webhook.createdPosition,
        },
        {
          policy: this.options.policy,
          timeoutMs: this.options.timeoutMs,
          allowPrivate: this.options.allowPrivate,
          streamPrefixes: DELIVERABLE_STREAM_PREFIXES,
          lanes: LANES_PER_WEBHOOK,
        },
        {
          store: this.store,
          recorder: this.recorder,
          send: this.options.send,
          sign: this.options.sign,
          checkpointOf: (id) => readWebhookCheckpoint(this.dataSource, id),
          savedDeliveriesAfter: (id, position) => deliveriesAfter(this.dataSource, id, position),
          deliveryIdOf,
          observe: this.options.observe,
        },
      );
      this.workers.set(webhook.id, worker);
      worker.start();
    }
  }

  /** Attempts the due redeliveries of each webhook, one webhook's at a time, never two runs of one. */
  private redeliverDue(): void {
    for (const worker of this.workers.values()) {
      const id = worker.target.id;
      if (this.redelivering.has(id) || worker.position === null) continue;
      this.redelivering.add(id);
      void this.redeliver(worker, worker.position)
        .catch((error: unknown) =>
          this.logger.warn(
            `Redelivery to webhook ${id} failed (${error instanceof Error ? error.message : String(error)}).`,
          ),
        )
        .finally(() => this.redelivering.delete(id));
    }
  }

  private async redeliver(worker: WebhookWorker, upTo: string): Promise<void> {
    const due = await dueRedeliveries(this.dataSource, worker.target.id, upTo, new Date(), 50);
    for (const saved of due) {
      if (this.workers.get(worker.target.id) !== worker) return;
      // A newer state not written yet (attempted a moment ago) wins over the saved one.
      const row = this.recorder.unwritten(saved.id) ?? saved;
      if (!isDue(row)) continue;
      const [event] = await this.store.readStream(row.streamId, { fromRevision: row.revision, maxCount: 1 });
      if (event?.id !== row.eventId) continue;
      await worker.attempt(row, JSON.stringify(toRecordedEvent(event)), event.recordedAt);
    }
  }
}

function isDue(row: { status: string; nextAttemptAt: string | null }): boolean {
  return (
    (row.status === 'PENDING' || row.status === 'RETRYING') &&
    row.nextAttemptAt !== null &&
    Date.parse(row.nextAttemptAt) <= Date.now()
  );
}
