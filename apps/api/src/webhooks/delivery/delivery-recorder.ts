import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { saveDeliveryProgress, type WebhookDeliveryRow } from '@kb/read-models';

/**
 * Collects delivery rows and checkpoints and writes them together, at most every `intervalMs`: one
 * transaction for hundreds of deliveries a second rather than one each. A crash loses at most the
 * last interval's records, and the events after the saved checkpoint are delivered again (at least
 * once; receivers deduplicate by webhook-id).
 */
export class DeliveryRecorder {
  private readonly logger = new Logger('WebhookDelivery');
  private deliveries = new Map<string, WebhookDeliveryRow>();
  private checkpoints = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly intervalMs = 100,
  ) {}

  /** A delivery's latest state (replacing any earlier one not yet written). */
  delivery(row: WebhookDeliveryRow): void {
    this.deliveries.set(row.id, row);
    this.schedule();
  }

  /** The row of a delivery recorded but not written yet. */
  unwritten(id: string): WebhookDeliveryRow | undefined {
    return this.deliveries.get(id);
  }

  checkpoint(webhookId: string, position: string): void {
    this.checkpoints.set(webhookId, position);
    this.schedule();
  }

  /** Forgets what is not written yet of a webhook (it was deleted). */
  forget(webhookId: string): void {
    this.checkpoints.delete(webhookId);
    for (const [id, row] of this.deliveries) if (row.webhookId === webhookId) this.deliveries.delete(id);
  }

  /** Writes everything recorded so far; resolves once it is stored. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const deliveries = [...this.deliveries.values()];
    const checkpoints = this.checkpoints;
    this.deliveries = new Map();
    this.checkpoints = new Map();
    this.flushing = this.flushing
      .then(() => saveDeliveryProgress(this.dataSource, { deliveries, checkpoints }))
      .catch((error: unknown) => {
        // Kept for the next flush, unless newer records replaced them meanwhile.
        for (const row of deliveries) if (!this.deliveries.has(row.id)) this.deliveries.set(row.id, row);
        for (const [id, position] of checkpoints)
          if (!this.checkpoints.has(id)) this.checkpoints.set(id, position);
        this.logger.warn(
          `Could not save webhook delivery progress (${error instanceof Error ? error.message : String(error)}); retrying.`,
        );
        this.schedule();
      });
    return this.flushing;
  }

  private schedule(): void {
    if (this.timer === undefined) this.timer = setTimeout(() => void this.flush(), this.intervalMs);
  }
}
