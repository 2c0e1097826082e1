import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface PublishPostmortemInput extends WriteOptions {
  incidentId: string;
  summary: string;
  impact: string;
}

/** Publishes the postmortem of a resolved incident, which closes it. */
export class PublishPostmortemCommand extends IncidentMutation<PublishPostmortemInput> {}
