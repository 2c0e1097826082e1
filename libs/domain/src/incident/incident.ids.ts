/**
 * Ids of the parts of an incident. A finding's id carries its incident's id (`<incidentId>:f<n>`),
 * so a command that names only the finding knows which stream to load, without a read model.
 */
export const findingIdOf = (incidentId: string, ordinal: number) => `${incidentId}:f${ordinal}`;
export const timelineEntryIdOf = (incidentId: string, ordinal: number) => `${incidentId}:t${ordinal}`;

const FINDING_ID = /^([0-9a-f-]{36}):f([1-9]\d{0,6})$/;

/** The incident a finding id belongs to, or null when the text is not a finding id. */
export function incidentIdOfFinding(findingId: string): string | null {
  return FINDING_ID.exec(findingId)?.[1] ?? null;
}
