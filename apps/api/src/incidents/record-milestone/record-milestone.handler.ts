import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { RecordMilestoneCommand } from './record-milestone.command';

@CommandHandler(RecordMilestoneCommand)
export class RecordMilestoneHandler implements ICommandHandler<RecordMilestoneCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: RecordMilestoneCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'RecordMilestone', ...fieldsOf(command.input) },
      command,
    );
  }
}
