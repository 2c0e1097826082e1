import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { incidentOfFinding } from '../finding-command';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { ReviseFindingCommand } from './revise-finding.command';

@CommandHandler(ReviseFindingCommand)
export class ReviseFindingHandler implements ICommandHandler<ReviseFindingCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: ReviseFindingCommand): Promise<IncidentOutcome> {
    const incidentId = incidentOfFinding(command.input.findingId);
    return runOnIncident(
      this.executor,
      incidentId,
      { type: 'ReviseFinding', incidentId, ...fieldsOf(command.input) },
      command,
    );
  }
}
