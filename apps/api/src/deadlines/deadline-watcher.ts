import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import {
  actionItemStream,
  ConcurrencyConflictError,
  DomainRuleError,
  EntityNotFoundError,
  incidentStream,
  type ActionItemCommand,
  type IncidentCommand,
  type StreamDefinition,
} from '@kb/domain';
import {
  CLOCK,
  CommandExecutor,
  nameBasedUuid,
  SYSTEM_ACTOR,
  type Clock,
  type CommandContext,
} from '@kb/event-sourcing';
import { deadlineCandidates, type Leases } from '@kb/read-models';
import { LEASES, READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';

export const DEADLINE_WATCHER_OPTIONS = Symbol('DEADLINE_WATCHER_OPTIONS');

export interface DeadlineWatcherOptions {
  /** Whether this process watches (KB_ROLES has `projector`). */
  readonly enabled: boolean;
  /** DEADLINE_SCAN_MS: the pause between two scans. */
  readonly scanMs: number;
}

/** The lease of the watcher: one process scans at a time; the others try to take it at each scan. */
export const DEADLINE_WATCHER_LEASE = 'deadline-watcher';

/**
 * A reminder's event id, from the reminder itself: the entity and the deadline it is for. Two
 * processes that decide the same reminder on the same revision append the same id, and the event
 * store takes the second append as the first one's retry (a no-op).
 */
export function reminderEventId(event: { readonly type: string; readonly data: unknown }): string {
  const data = event.data as { incidentId?: string; actionItemId?: string; dueAt?: string; dueDate?: string };
  if (event.type === 'PostmortemOverdue')
    return nameBasedUuid(`PostmortemOverdue\n${data.incidentId}\n${data.dueAt}`);
  if (event.type === 'ActionItemOverdue')
    return nameBasedUuid(`ActionItemOverdue\n${data.actionItemId}\n${data.dueDate}`);
  throw new Error(`The deadline watcher writes reminders only, not ${event.type}.`);
}

export interface ScanOutcome {
  /** False when another process holds the lease (this one did not scan). */
  readonly scanned: boolean;
  readonly postmortemsOverdue: number;
  readonly actionItemsOverdue: number;
}

/**
 * Appends PostmortemOverdue and ActionItemOverdue reminders when deadlines pass
 * (docs/operations/deadlines.md). The read models only say where to look (a bounded, indexed
 * query); each reminder is decided from its stream, so one already written, a postmortem just
 * published or an item just done is refused there and nothing is written. Exactly once per
 * deadline, across processes and restarts: the lease keeps one process scanning at a time, and if
 * two ever decide the same reminder, the expected revision and the reminder's derived event id make
 * the second append a no-op or a conflict that is decided again (and then refused).
 */
@Injectable()
export class DeadlineWatcher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DeadlineWatcher');
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<unknown> | null = null;
  private stopped = false;
  private holding = false;

  constructor(
    private readonly executor: CommandExecutor,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(LEASES) private readonly leases: Leases,
    @Inject(DEADLINE_WATCHER_OPTIONS) private readonly options: DeadlineWatcherOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    leases.onLost((names) => {
      if (!names.includes(DEADLINE_WATCHER_LEASE) || !this.holding) return;
      this.holding = false;
      this.logger.warn('Lost the deadline-watcher lease: another process may take over the scans.');
    });
  }

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.timer = setInterval(() => this.tick(), this.options.scanMs);
    this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.scanning;
    if (this.holding) await this.leases.release(DEADLINE_WATCHER_LEASE).catch(() => undefined);
    this.holding = false;
  }

  /** One scan unless one is running (a slow scan is never overlapped by the next). */
  private tick(): void {
    if (this.scanning || this.stopped) return;
    this.scanning = this.scan()
      .catch((error: unknown) => {
        // A scan cut short by the shutdown (the database closing under it) is not worth a warning.
        if (this.stopped) return;
        this.logger.warn(
          `A deadline scan failed (${error instanceof Error ? error.message : String(error)}); trying again in ${this.options.scanMs} ms.`,
        );
      })
      .finally(() => (this.scanning = null));
  }

  /** Looks for passed deadlines once, if this process holds (or takes) the lease. */
  async scan(): Promise<ScanOutcome> {
    if (!this.holding) {
      if (!(await this.leases.tryAcquire(DEADLINE_WATCHER_LEASE)))
        return { scanned: false, postmortemsOverdue: 0, actionItemsOverdue: 0 };
      this.holding = true;
      if (this.leases.shared)
        this.logger.log('Holds the deadline-watcher lease: scanning from this process.');
    }
    const { incidentIds, actionItemIds } = await deadlineCandidates(this.dataSource, this.clock());
    // One correlation id per scan: the reminders of one scan can be found together in the log.
    const context: CommandContext = {
      actor: SYSTEM_ACTOR,
      correlationId: randomUUID(),
      eventIdOf: reminderEventId,
    };
    let postmortemsOverdue = 0;
    let actionItemsOverdue = 0;
    for (const incidentId of incidentIds) {
      if (this.stopped || !this.holding) break;
      const command: IncidentCommand = { type: 'RecordPostmortemOverdue', incidentId };
      if (await this.remind(incidentStream, incidentId, command, context)) postmortemsOverdue++;
    }
    for (const actionItemId of actionItemIds) {
      if (this.stopped || !this.holding) break;
      const command: ActionItemCommand = { type: 'RecordActionItemOverdue', actionItemId };
      if (await this.remind(actionItemStream, actionItemId, command, context)) actionItemsOverdue++;
    }
    if (postmortemsOverdue + actionItemsOverdue > 0)
      this.logger.log(
        `Recorded ${postmortemsOverdue} overdue postmortem(s) and ${actionItemsOverdue} overdue action item(s).`,
      );
    return { scanned: true, postmortemsOverdue, actionItemsOverdue };
  }

  /** True when the reminder was written; a refusal (already reminded, no longer due) is not an error. */
  private async remind<Command, Event extends { type: string; data: unknown }, State>(
    stream: StreamDefinition<Command, Event, State>,
    entityId: string,
    command: Command,
    context: CommandContext,
  ): Promise<boolean> {
    try {
      const outcome = await this.executor.execute(stream, entityId, command, context, command);
      return outcome.events.length > 0;
    } catch (error) {
      if (error instanceof DomainRuleError || error instanceof EntityNotFoundError) return false;
      // Lost ten races in a row on a busy stream: the next scan decides it again.
      if (error instanceof ConcurrencyConflictError) return false;
      throw error;
    }
  }
}
