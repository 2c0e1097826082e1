import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import { ActionItemRow, FindingRow, IncidentRow, Projector } from '@kb/read-models';
import type { Mutation, WriteOptions } from '../event-sourcing/mutation';
import type { IncidentOutcome } from '../incidents/incident.stream';
import type { ActionItemOutcome } from '../action-items/action-item.stream';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';

/** How long a mutation waits for the read models to show its write before it answers anyway. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Runs a mutation's command, waits (bounded) until the projections have reached the position of its
 * append, and reads the entity back from the read model: the response, and any query sent after it,
 * sees the write.
 */
@Injectable()
export class ReadYourWrites {
  private readonly logger = new Logger('ReadYourWrites');

  constructor(
    private readonly commandBus: CommandBus,
    private readonly projector: Projector,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
  ) {}

  async incident(command: Mutation<WriteOptions, IncidentOutcome>): Promise<IncidentRow> {
    const outcome = await this.write(command);
    return this.read(outcome, () =>
      this.dataSource.getRepository(IncidentRow).findOneBy({ id: outcome.entityId }),
    );
  }

  async finding(
    command: Mutation<WriteOptions, IncidentOutcome>,
    findingIdOf: (outcome: IncidentOutcome) => string,
  ): Promise<FindingRow> {
    const outcome = await this.write(command);
    const findingId = findingIdOf(outcome);
    return this.read(outcome, () => this.dataSource.getRepository(FindingRow).findOneBy({ id: findingId }));
  }

  async actionItem(command: Mutation<WriteOptions, ActionItemOutcome>): Promise<ActionItemRow> {
    const outcome = await this.write(command);
    return this.read(outcome, () =>
      this.dataSource.getRepository(ActionItemRow).findOneBy({ id: outcome.entityId }),
    );
  }

  private async write<Outcome extends { position: string | null }>(
    command: Mutation<WriteOptions, Outcome>,
  ): Promise<Outcome> {
    const outcome = await this.commandBus.execute<Mutation<WriteOptions, Outcome>, Outcome>(command);
    if (outcome.position !== null) {
      const reached = await this.projector.waitForPosition(outcome.position, READ_YOUR_WRITES_TIMEOUT_MS);
      if (!reached)
        this.logger.warn(
          `The read models did not reach position ${outcome.position} within ${READ_YOUR_WRITES_TIMEOUT_MS} ms; answering with what they show.`,
        );
    }
    return outcome;
  }

  private async read<Row>(
    outcome: { entityId: string; revision: number },
    load: () => Promise<Row | null>,
  ): Promise<Row> {
    const row = await load();
    if (row) return row;
    throw new GraphQLError(
      `The write was stored (${outcome.entityId} at revision ${outcome.revision}) but the read models have not caught up yet; query it again in a moment.`,
      { extensions: { code: 'READ_MODEL_BEHIND', entityId: outcome.entityId, revision: outcome.revision } },
    );
  }
}
