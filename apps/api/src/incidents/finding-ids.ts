import { EntityNotFoundError, incidentIdOfFinding, type IncidentEvent } from '@kb/domain';

/** The incident whose stream holds a finding: its id is part of the finding's id. */
export function incidentOfFinding(findingId: string): string {
  const incidentId = incidentIdOfFinding(findingId);
  if (incidentId === null) throw new EntityNotFoundError('Finding', findingId, 'findingId');
  return incidentId;
}

/** The id of the finding a recordFinding wrote (or wrote the first time, for a replayed retry). */
export function recordedFindingId(events: readonly IncidentEvent[]): string {
  for (const event of events) if (event.type === 'FindingRecorded') return event.data.findingId;
  throw new Error('recordFinding wrote no FindingRecorded event');
}
