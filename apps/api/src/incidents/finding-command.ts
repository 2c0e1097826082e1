import { EntityNotFoundError, incidentIdOfFinding } from '@kb/domain';

/** The incident whose stream holds a finding: its id is part of the finding's id. */
export function incidentOfFinding(findingId: string): string {
  const incidentId = incidentIdOfFinding(findingId);
  if (incidentId === null) throw new EntityNotFoundError('Finding', findingId, 'findingId');
  return incidentId;
}
