import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface RecordFindingInput extends WriteOptions {
  incidentId: string;
  kind: string;
  category?: string | null;
  description: string;
}

/** Records a trigger, contributing factor, lesson, what went well or where the team got lucky. */
export class RecordFindingCommand extends IncidentMutation<RecordFindingInput> {}
