import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface ReviseIncidentInput extends WriteOptions {
  incidentId: string;
  title?: string | null;
  summary?: string | null;
  severity?: string | null;
  services?: string[] | null;
  tags?: string[] | null;
  detectionSource?: string | null;
  startedAt?: string | null;
}

/** Corrects the incident's details; only the fields given change. */
export class ReviseIncidentCommand extends IncidentMutation<ReviseIncidentInput> {}
