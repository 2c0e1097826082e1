import { Command } from '@nestjs/cqrs';
import type { Caller, WriteOptions } from '@kb/event-sourcing';
import type { IncidentInput, IncidentOutcome } from '../incident.write';

/** What a caller sends to link incidents: the other incident by its id (the handler reads its stream). */
export type LinkIncidentsInput = Pick<IncidentInput<'LinkIncidents'>, 'incidentId' | 'relation'> & {
  relatedIncidentId: string;
} & WriteOptions;

/**
 * Links an incident to another: a recurrence of it, related to it, a duplicate of it, or caused by
 * it. Not a plain StreamWrite: the rules need the other incident's start, read from its own stream.
 */
export class LinkIncidentsCommand extends Command<IncidentOutcome> {
  constructor(
    readonly input: LinkIncidentsInput,
    readonly caller: Caller,
  ) {
    super();
  }
}
