import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { incidentStream } from '@kb/domain';
import { CommandExecutor, executeWrite } from '@kb/event-sourcing';
import { incidentWrite, type IncidentOutcome } from '../incident.write';
import { LinkIncidentsCommand } from './link-incidents.command';

@CommandHandler(LinkIncidentsCommand)
export class LinkIncidentsHandler implements ICommandHandler<LinkIncidentsCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  async execute({ input, caller }: LinkIncidentsCommand): Promise<IncidentOutcome> {
    const { incidentId, relatedIncidentId, relation } = input;
    // The rules need the other incident's start; read it from its own stream, never a read model.
    const related = (await this.executor.load(incidentStream, relatedIncidentId)).state;
    const startedAt = related.exists ? related.startedAt : null;
    return executeWrite(
      this.executor,
      incidentWrite(
        { type: 'LinkIncidents', incidentId, relation, related: { id: relatedIncidentId, startedAt } },
        caller,
        input,
      ),
    );
  }
}
