import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { ActionItemRow, FindingRow, IncidentRow, Projector } from '@kb/read-models';
import { ActionItemOutcome } from '../action-items/action-item.write';
import type { ActionItem } from '../action-items/action-item.type';
import { StreamHistory } from '../event-log/stream-history';
import type { Mutation, WriteOptions } from '@kb/event-sourcing';
import type { Finding, Incident } from '../incidents/incident.type';
import { IncidentOutcome } from '../incidents/incident.write';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';

/** How long a mutation waits for the read models to show its write before it answers anyway. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Runs a mutation's command, waits (bounded) until the projections have reached the position of its
 * append, and reads the entity back from the read model: the response, and any query sent after it,
 * sees the write. When the projections are behind past the bound, the response is the entity folded
 * from its events as decided (the same rows the projection will write), and the delay is logged.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('ReadYourWrites');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly projector: Projector,
    private readonly streams: StreamHistory,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async incident(command: Mutation<WriteOptions, IncidentOutcome>): Promise<Incident> {
    const { outcome, projected } = await this.write(command);
    const row = projected
      ? await this.dataSource.getRepository(IncidentRow).findOneBy({ id: outcome.entityId })
      : null;
    return row ?? this.decided(outcome, await this.streams.incidentAsOf(outcome.entityId, null));
  }

  async finding(
    command: Mutation<WriteOptions, IncidentOutcome>,
    findingIdOf: (outcome: IncidentOutcome) => string,
  ): Promise<Finding> {
    const { outcome, projected } = await this.write(command);
    const findingId = findingIdOf(outcome);
    const row = projected
      ? await this.dataSource.getRepository(FindingRow).findOneBy({ id: findingId })
      : null;
    if (row) return row;
    const incident = await this.streams.incidentAsOf(outcome.entityId, null);
    return this.decided(
      outcome,
      incident?.asOf?.findings.find((finding) => finding.id === findingId) ?? null,
    );
  }

  async actionItem(command: Mutation<WriteOptions, ActionItemOutcome>): Promise<ActionItem> {
    const { outcome, projected } = await this.write(command);
    const row = projected
      ? await this.dataSource.getRepository(ActionItemRow).findOneBy({ id: outcome.entityId })
      : null;
    return row ?? this.decided(outcome, await this.streams.actionItemAsOf(outcome.entityId, null));
  }

  private async write<Outcome extends { position: string | null }>(
    command: Mutation<WriteOptions, Outcome>,
  ): Promise<{ outcome: Outcome; projected: boolean }> {
    const outcome = await this.commandBus.execute<Mutation<WriteOptions, Outcome>, Outcome>(command);
    if (outcome.position === null) return { outcome, projected: true };
    const projected = await this.projector.waitForPosition(outcome.position, READ_YOUR_WRITES_TIMEOUT_MS);
    if (!projected)
      this.logger.warn(
        `The read models did not reach position ${outcome.position} within ${READ_YOUR_WRITES_TIMEOUT_MS} ms; answering with the state folded from the events.`,
      );
    return { outcome, projected };
  }

  private decided<Entity>(outcome: { entityId: string; revision: number }, entity: Entity | null): Entity {
    if (entity) return entity;
    throw new Error(
      `The write to ${outcome.entityId} (revision ${outcome.revision}) is stored but cannot be read back.`,
    );
  }
}
