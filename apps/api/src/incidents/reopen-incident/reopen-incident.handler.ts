import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { ReopenIncidentCommand } from './reopen-incident.command';

@CommandHandler(ReopenIncidentCommand)
export class ReopenIncidentHandler implements ICommandHandler<ReopenIncidentCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: ReopenIncidentCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'ReopenIncident', ...fieldsOf(command.input) },
      command,
    );
  }
}
