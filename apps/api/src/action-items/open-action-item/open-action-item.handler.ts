import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../event-sourcing/command-executor';
import { commandContext, newEntityId } from '../../event-sourcing/command-context';
import { incidentStream } from '../../incidents/incident.stream';
import { runOnActionItem } from '../action-item-command.base';
import type { ActionItemOutcome } from '../action-item.stream';
import { OpenActionItemCommand } from './open-action-item.command';

@CommandHandler(OpenActionItemCommand)
export class OpenActionItemHandler implements ICommandHandler<OpenActionItemCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: OpenActionItemCommand): Promise<ActionItemOutcome> {
    const { type, idempotencyKey: _key, ...fields } = command.input;
    const actionItemId = newEntityId(commandContext(command.caller, command.input), 'OpenActionItem');
    // The incident and its findings, from the incident's own stream (never a read model).
    const incident = (await this.executor.load(incidentStream, fields.incidentId)).state;
    return runOnActionItem(
      this.executor,
      actionItemId,
      { type: 'OpenActionItem', actionItemId, incident, itemType: type, ...fields },
      command,
    );
  }
}
