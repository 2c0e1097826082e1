import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface RecordMilestoneInput extends WriteOptions {
  incidentId: string;
  milestone: string;
  at: string;
}

/** Records when the incident was detected, acknowledged, mitigated or resolved (again: a correction). */
export class RecordMilestoneCommand extends IncidentMutation<RecordMilestoneInput> {}
