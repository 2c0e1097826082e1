import { IncidentMutation, type WriteOptions } from '../incident-command.base';

/** `expectedRevision` is the revision of the finding's incident: findings live in its stream. */
export interface RetractFindingInput extends WriteOptions {
  findingId: string;
  reason: string;
}

/** Retracts a finding: it stays in the history but counts nowhere. */
export class RetractFindingCommand extends IncidentMutation<RetractFindingInput> {}
