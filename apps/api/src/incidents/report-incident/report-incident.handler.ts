import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, commandContext, newEntityId } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { ReportIncidentCommand } from './report-incident.command';

@CommandHandler(ReportIncidentCommand)
export class ReportIncidentHandler implements ICommandHandler<ReportIncidentCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: ReportIncidentCommand): Promise<IncidentOutcome> {
    const incidentId = newEntityId(commandContext(command.caller, command.input), 'ReportIncident');
    return runOnIncident(
      this.executor,
      incidentId,
      { type: 'ReportIncident', incidentId, ...fieldsOf(command.input) },
      command,
    );
  }
}
