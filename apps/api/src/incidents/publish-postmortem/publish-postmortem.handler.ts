import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { fieldsOf, runOnIncident } from '../incident-command.base';
import { IncidentOutcome } from '../incident.write';
import { PublishPostmortemCommand } from './publish-postmortem.command';

@CommandHandler(PublishPostmortemCommand)
export class PublishPostmortemHandler implements ICommandHandler<PublishPostmortemCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: PublishPostmortemCommand): Promise<IncidentOutcome> {
    return runOnIncident(
      this.executor,
      command.input.incidentId,
      { type: 'PublishPostmortem', ...fieldsOf(command.input) },
      command,
    );
  }
}
