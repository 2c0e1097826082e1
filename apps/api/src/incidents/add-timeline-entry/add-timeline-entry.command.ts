import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface AddTimelineEntryInput extends WriteOptions {
  incidentId: string;
  at: string;
  text: string;
}

/** Adds an entry to the incident's timeline. */
export class AddTimelineEntryCommand extends IncidentMutation<AddTimelineEntryInput> {}
