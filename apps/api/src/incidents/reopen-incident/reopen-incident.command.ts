import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface ReopenIncidentInput extends WriteOptions {
  incidentId: string;
  reason: string;
}

/** Sends a mitigated, resolved, in-review or closed incident back to OPEN, with the reason. */
export class ReopenIncidentCommand extends IncidentMutation<ReopenIncidentInput> {}
