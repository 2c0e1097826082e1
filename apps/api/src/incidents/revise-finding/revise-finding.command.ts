import { IncidentMutation, type WriteOptions } from '../incident-command.base';

/** `expectedRevision` is the revision of the finding's incident: findings live in its stream. */
export interface ReviseFindingInput extends WriteOptions {
  findingId: string;
  kind?: string | null;
  category?: string | null;
  description?: string | null;
}

/** Corrects a finding; only the fields given change. */
export class ReviseFindingCommand extends IncidentMutation<ReviseFindingInput> {}
