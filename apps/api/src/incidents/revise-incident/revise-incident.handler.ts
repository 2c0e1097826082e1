import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { ReviseIncidentCommand } from './revise-incident.command';

@CommandHandler(ReviseIncidentCommand)
export class ReviseIncidentHandler implements ICommandHandler<ReviseIncidentCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: ReviseIncidentCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'ReviseIncident', ...fieldsOf(command.input) },
      command,
    );
  }
}
