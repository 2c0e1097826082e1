import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { RecordFindingCommand } from './record-finding.command';

@CommandHandler(RecordFindingCommand)
export class RecordFindingHandler implements ICommandHandler<RecordFindingCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: RecordFindingCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'RecordFinding', ...fieldsOf(command.input) },
      command,
    );
  }
}
