import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { DataSource } from 'typeorm';
import { incidentStream } from '@kb/domain';
import { CommandExecutor, commandContext, executeWrite, newEntityId } from '@kb/event-sourcing';
import { ActionItemRow } from '@kb/read-models';
import { READ_MODEL_DATA_SOURCE } from '../../read-side/read-side.module';
import { actionItemWrite, type ActionItemOutcome } from '../action-item.write';
import { OpenActionItemCommand } from './open-action-item.command';

@CommandHandler(OpenActionItemCommand)
export class OpenActionItemHandler implements ICommandHandler<OpenActionItemCommand> {
  constructor(
    private readonly executor: CommandExecutor,
    @Inject(READ_MODEL_DATA_SOURCE) private readonly readModels: DataSource,
  ) {}

  async execute({ input, caller }: OpenActionItemCommand): Promise<ActionItemOutcome> {
    const { type, idempotencyKey: _key, ...fields } = input;
    const actionItemId = newEntityId(commandContext(caller, input), 'OpenActionItem');
    // The incident and its findings, from the incident's own stream (never a read model).
    const incident = (await this.executor.load(incidentStream, fields.incidentId)).state;
    // Its action items live in their own streams, which the incident's stream does not list: they are
    // counted in the read model, so the cap (MAX_ACTION_ITEMS_PER_INCIDENT) is soft under concurrent
    // opens. Mutations wait for the read model, so one client opening items one by one meets it exactly.
    const actionItemsOfIncident = incident.exists
      ? await this.readModels.getRepository(ActionItemRow).countBy({ incidentId: fields.incidentId })
      : 0;
    return executeWrite(
      this.executor,
      actionItemWrite(
        { type: 'OpenActionItem', actionItemId, incident, actionItemsOfIncident, itemType: type, ...fields },
        caller,
        input,
      ),
    );
  }
}
