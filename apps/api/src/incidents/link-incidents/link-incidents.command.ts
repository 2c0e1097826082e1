import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface LinkIncidentsInput extends WriteOptions {
  incidentId: string;
  relatedIncidentId: string;
  relation: string;
}

/** Links an incident to another: a recurrence of it, related to it, a duplicate of it, or caused by it. */
export class LinkIncidentsCommand extends IncidentMutation<LinkIncidentsInput> {}
