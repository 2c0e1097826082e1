import { randomUUID } from 'node:crypto';
import {
  actionItemCatalogue,
  actionItemStreamId,
  incidentCatalogue,
  incidentStreamId,
  type ActionItemEvent,
  type ExperimentOutcome,
  type FactorCategory,
  type FindingKind,
  type IncidentEvent,
  type IncidentKind,
  type Severity,
} from '@kb/domain';
import type { EventStore, JsonObject } from '@kb/event-store';

/**
 * Domain events with chosen domain times (metadata.occurredAt and the times in the data), appended
 * straight to the store, for the report tests of actionItemHealth, recurrence and learning: the write side's
 * clock moves a second per command, and these reports need days. The projections read them as any
 * other event.
 */
export class DatedEvents {
  lastPosition = '';

  constructor(private readonly store: EventStore) {}

  async incident(
    incidentId: string,
    fields: {
      startedAt: string;
      services: string[];
      kind?: IncidentKind;
      severity?: Severity;
      tags?: string[];
    },
  ): Promise<void> {
    await this.onIncident(
      {
        type: 'IncidentReported',
        data: {
          incidentId,
          title: `Incident ${incidentId}`,
          summary: null,
          kind: fields.kind ?? 'INCIDENT',
          severity: fields.severity ?? 'SEV2',
          services: fields.services,
          tags: fields.tags ?? [],
          detectionSource: 'MONITORING_ALERT',
          startedAt: fields.startedAt,
          detectedAt: null,
          reportedAt: fields.startedAt,
        },
      },
      fields.startedAt,
    );
  }

  /** A finding (its id is `${incidentId}:${n}`), returned. */
  async finding(
    incidentId: string,
    n: number,
    kind: FindingKind,
    category: FactorCategory | null,
    at: string,
  ): Promise<string> {
    const findingId = `${incidentId}:f${n}`;
    await this.onIncident(
      { type: 'FindingRecorded', data: { incidentId, findingId, kind, category, description: 'Found.' } },
      at,
    );
    return findingId;
  }

  /** The RESOLVED milestone at `at`, and the postmortem deadline the policy sets then (when given). */
  async resolve(incidentId: string, at: string, postmortemDueAt?: string): Promise<void> {
    await this.onIncident(
      { type: 'MilestoneRecorded', data: { incidentId, milestone: 'RESOLVED', at, previousAt: null } },
      at,
    );
    if (postmortemDueAt === undefined) return;
    const policyDays = (Date.parse(postmortemDueAt) - Date.parse(at)) / 86_400_000;
    await this.onIncident(
      { type: 'PostmortemDueSet', data: { incidentId, dueAt: postmortemDueAt, resolvedAt: at, policyDays } },
      at,
    );
  }

  /** A postmortem published at `at` (the CLOSED status change the decider appends with it is left out). */
  async publishPostmortem(incidentId: string, at: string): Promise<void> {
    await this.onIncident(
      {
        type: 'PostmortemPublished',
        data: { incidentId, summary: 'What happened.', impact: 'Who was hurt.', publishedAt: at },
      },
      at,
    );
  }

  /** An experiment's plan at `plannedAt`, and its conclusion at `concludedAt` when given. */
  async experiment(
    incidentId: string,
    plannedAt: string,
    conclusion?: { outcome: ExperimentOutcome; at: string },
  ): Promise<void> {
    await this.onIncident(
      {
        type: 'ExperimentPlanned',
        data: {
          incidentId,
          hypothesis: 'The checkout survives losing one database replica.',
          steadyState: 'p99 latency under 300 ms',
          blastRadius: ['checkout'],
          abortConditions: null,
          plannedFor: null,
        },
      },
      plannedAt,
    );
    if (!conclusion) return;
    await this.onIncident(
      {
        type: 'ExperimentConcluded',
        data: {
          incidentId,
          outcome: conclusion.outcome,
          observations: 'Observed.',
          concludedAt: conclusion.at,
        },
      },
      conclusion.at,
    );
  }

  async onIncident(event: IncidentEvent, occurredAt: string): Promise<void> {
    await this.append(incidentStreamId(event.data.incidentId), event, occurredAt, incidentCatalogue.versions);
  }

  async openItem(
    actionItemId: string,
    incidentId: string,
    fields: { priority: 'P1' | 'P2' | 'P3' | 'P4'; ownerTeam: string; type: string; dueDate?: string },
    openedAt: string,
  ): Promise<void> {
    await this.onItem(
      {
        type: 'ActionItemOpened',
        data: {
          actionItemId,
          incidentId,
          findingId: null,
          title: `Item ${actionItemId}`,
          description: null,
          type: fields.type as never,
          priority: fields.priority,
          ownerTeam: fields.ownerTeam,
          assignee: 'someone',
          dueDate: fields.dueDate ?? null,
          openedAt,
        },
      },
      openedAt,
    );
  }

  async onItem(event: ActionItemEvent, occurredAt: string): Promise<void> {
    await this.append(
      actionItemStreamId(event.data.actionItemId),
      event,
      occurredAt,
      actionItemCatalogue.versions,
    );
  }

  /** ActionItemStarted / Dropped / Reopened / Completed at `at`. */
  async move(actionItemId: string, to: 'start' | 'drop' | 'reopen' | 'complete', at: string): Promise<void> {
    const events: Record<typeof to, ActionItemEvent> = {
      start: { type: 'ActionItemStarted', data: { actionItemId, note: null } },
      drop: { type: 'ActionItemDropped', data: { actionItemId, reason: 'Not needed' } },
      reopen: { type: 'ActionItemReopened', data: { actionItemId, note: null } },
      complete: { type: 'ActionItemCompleted', data: { actionItemId, note: null, completedAt: at } },
    };
    await this.onItem(events[to], at);
  }

  private async append(
    streamId: string,
    event: IncidentEvent | ActionItemEvent,
    occurredAt: string,
    versions: Record<string, number>,
  ): Promise<void> {
    const metadata: JsonObject = {
      actor: 'key-analyst-1',
      correlationId: 'req-analytics',
      causationId: null,
      occurredAt,
      schemaVersion: versions[event.type],
    };
    const result = await this.store.appendToStream(streamId, [
      { id: randomUUID(), type: event.type, data: event.data, metadata },
    ]);
    this.lastPosition = result.position;
  }
}
