import { IncidentMutation, type WriteOptions } from '../incident-command.base';

export interface ReportIncidentInput extends Omit<WriteOptions, 'expectedRevision'> {
  title: string;
  summary?: string | null;
  kind: string;
  severity: string;
  services: string[];
  tags?: string[] | null;
  detectionSource: string;
  startedAt: string;
  detectedAt?: string | null;
}

/** Reports an incident, near-miss, chaos experiment or game day: a new incident stream. */
export class ReportIncidentCommand extends IncidentMutation<ReportIncidentInput> {}
