import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { incidentOfFinding } from '../finding-command';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { RetractFindingCommand } from './retract-finding.command';

@CommandHandler(RetractFindingCommand)
export class RetractFindingHandler implements ICommandHandler<RetractFindingCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: RetractFindingCommand): Promise<IncidentOutcome> {
    const incidentId = incidentOfFinding(command.input.findingId);
    return runOnIncident(
      this.executor,
      incidentId,
      { type: 'RetractFinding', incidentId, ...fieldsOf(command.input) },
      command,
    );
  }
}
