import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { AddTimelineEntryCommand } from './add-timeline-entry.command';

@CommandHandler(AddTimelineEntryCommand)
export class AddTimelineEntryHandler implements ICommandHandler<AddTimelineEntryCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: AddTimelineEntryCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'AddTimelineEntry', ...fieldsOf(command.input) },
      command,
    );
  }
}
