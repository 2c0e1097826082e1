import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { EventStoreObservers } from '@kb/event-store';
import type { ProjectorOptions, WebhookDeliveryRow } from '@kb/read-models';
import type { ObserveDelivery } from '../webhooks/delivery/delivery-transport';
import { BoundedLabelValues } from './bounded-label-values';
import { timedAppends } from './timed-event-store';

/** Distinct GraphQL operation names kept as label values; the others are `(other)`. */
export const MAX_OPERATION_NAMES = 200;
/** A sane operation name: a GraphQL name of at most 64 characters. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

const REQUEST_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const STORE_SECONDS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const COMMIT_WRITES = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
const DELIVERY_DELAY_SECONDS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 21_600, 86_400];

/**
 * The metrics of one application instance, on its own registry (several apps share a process in
 * the tests; the global registry would mix them). This class holds what is measured as it happens
 * (requests, appends, commits, projections applied, webhook attempts) and hands out the hooks that
 * feed it; gauges read at scrape time are in read-side-gauges.ts. Every label value comes from a
 * fixed vocabulary or a bounded set: never an id, a URL or anything naming a person.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly operationNames = new BoundedLabelValues(MAX_OPERATION_NAMES, OPERATION_NAME);

  private readonly httpDuration = new Histogram({
    name: 'kb_http_request_duration_seconds',
    help: 'HTTP requests, by method, matched route (never the raw URL) and outcome (status class, or aborted).',
    labelNames: ['method', 'route', 'outcome'] as const,
    buckets: REQUEST_SECONDS,
    registers: [this.registry],
  });

  private readonly graphqlDuration = new Histogram({
    name: 'kb_graphql_operation_duration_seconds',
    help: 'GraphQL operations over HTTP, by operation name (bounded), type and outcome (ok or the error code).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: REQUEST_SECONDS,
    registers: [this.registry],
  });

  private readonly appendDuration = new Histogram({
    name: 'kb_event_store_append_duration_seconds',
    help: 'Appends to the event store, from the call to its answer (durably stored or refused), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: STORE_SECONDS,
    registers: [this.registry],
  });

  private readonly commitWrites = new Histogram({
    name: 'kb_event_store_group_commit_writes',
    help: 'Embedded event store: writes (appends, and the rare metadata change or delete) per group commit.',
    buckets: COMMIT_WRITES,
    registers: [this.registry],
  });

  private readonly commitDuration = new Histogram({
    name: 'kb_event_store_group_commit_duration_seconds',
    help: 'Embedded event store: duration of each group-commit transaction, fsync included.',
    buckets: STORE_SECONDS,
    registers: [this.registry],
  });

  private readonly projectionApplied = new Counter({
    name: 'kb_projection_events_applied_total',
    help: 'Events applied by each projection in this process (parked ones and skipped batches left out).',
    labelNames: ['projection'] as const,
    registers: [this.registry],
  });

  private readonly webhookDeliveries = new Counter({
    name: 'kb_webhook_delivery_attempts_total',
    help: 'Webhook delivery attempts, by the state each left its delivery in: delivered, retrying or failed.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly webhookDelay = new Histogram({
    name: 'kb_webhook_delivery_delay_seconds',
    help: "Time from an event's recording to its delivery to a webhook (retries and redeliveries included).",
    buckets: DELIVERY_DELAY_SECONDS,
    registers: [this.registry],
  });

  constructor() {
    // Process and Node.js metrics under their usual names (process_*, nodejs_*), event-loop lag included.
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of ['delivered', 'retrying', 'failed']) this.webhookDeliveries.inc({ outcome }, 0);
  }

  /** For EventStoreModule.forRoot: appends timed, group commits measured. */
  readonly eventStoreObservers: EventStoreObservers = {
    decorate: (store) =>
      timedAppends(store, (seconds, outcome) => this.appendDuration.observe({ outcome }, seconds)),
    onCommit: (writes, seconds) => {
      this.commitWrites.observe(writes);
      this.commitDuration.observe(seconds);
    },
  };

  /** For ReadSideModule.forRoot: events applied per projection. */
  readonly projectorOptions: ProjectorOptions = {
    onApplied: (projection, events) => this.projectionApplied.inc({ projection }, events),
  };

  /** For WebhooksModule.register: each attempt's outcome and, once delivered, its delay. */
  readonly observeWebhookDelivery: ObserveDelivery = (delivery: WebhookDeliveryRow, recordedAt: Date) => {
    const outcome =
      delivery.status === 'DELIVERED' ? 'delivered' : delivery.status === 'FAILED' ? 'failed' : 'retrying';
    this.webhookDeliveries.inc({ outcome });
    if (delivery.deliveredAt !== null)
      this.webhookDelay.observe(
        Math.max(0, (Date.parse(delivery.deliveredAt) - recordedAt.getTime()) / 1000),
      );
  };

  observeHttpRequest(method: string, route: string, outcome: string, seconds: number): void {
    this.httpDuration.observe({ method, route, outcome }, seconds);
  }

  /** `operationName`: as the client gave it, or null; it is kept only if sane and within the bound. */
  observeGraphQLOperation(
    operationName: string | null,
    type: string,
    outcome: string,
    seconds: number,
  ): void {
    const operation = operationName === null ? '(anonymous)' : this.operationNames.valueOf(operationName);
    this.graphqlDuration.observe({ operation, type, outcome }, seconds);
  }
}
