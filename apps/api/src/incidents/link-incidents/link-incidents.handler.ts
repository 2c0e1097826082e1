import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '@kb/event-sourcing';
import { runOnIncident } from '../incident-command.base';
import { incidentStream } from '@kb/domain';
import type { IncidentOutcome } from '../incident.write';
import { LinkIncidentsCommand } from './link-incidents.command';

@CommandHandler(LinkIncidentsCommand)
export class LinkIncidentsHandler implements ICommandHandler<LinkIncidentsCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute(command: LinkIncidentsCommand): Promise<IncidentOutcome> {
    const { incidentId, relatedIncidentId, relation } = command.input;
    // The rules need the other incident's start; read it from its own stream, never a read model.
    const related = (await this.executor.load(incidentStream, relatedIncidentId)).state;
    return runOnIncident(
      this.executor,
      incidentId,
      {
        type: 'LinkIncidents',
        incidentId,
        relation,
        related: { id: relatedIncidentId, startedAt: related.exists ? related.startedAt : null },
      },
      command,
    );
  }
}
