import type { IncidentKind, Severity } from '../shared/vocabulary';

/** The severities the postmortem policy covers (with kind INCIDENT): the contract's "major incidents". */
export const POSTMORTEM_POLICY_SEVERITIES = ['SEV1', 'SEV2'] as const;
export type PostmortemPolicySeverity = (typeof POSTMORTEM_POLICY_SEVERITIES)[number];

/**
 * Days from an incident's resolution to its postmortem's deadline, per severity. The deployment sets
 * them (POSTMORTEM_DUE_DAYS_SEV1, POSTMORTEM_DUE_DAYS_SEV2); the decider stays pure, so the policy
 * travels in the RecordMilestone command.
 */
export type PostmortemPolicy = Readonly<Record<PostmortemPolicySeverity, number>>;

/** Five days for both, unless the deployment says otherwise. */
export const DEFAULT_POSTMORTEM_POLICY: PostmortemPolicy = { SEV1: 5, SEV2: 5 };

/** The policy's days for an incident of this kind and severity; null when it expects no postmortem. */
export function postmortemPolicyDays(
  policy: PostmortemPolicy,
  kind: IncidentKind,
  severity: Severity,
): number | null {
  if (kind !== 'INCIDENT') return null;
  return severity === 'SEV1' || severity === 'SEV2' ? policy[severity] : null;
}

const DAY_MS = 24 * 60 * 60_000;

/** `resolvedAt` plus whole days of 24 hours (UTC: no daylight-saving shifts). */
export function postmortemDueAt(resolvedAt: string, days: number): string {
  return new Date(Date.parse(resolvedAt) + days * DAY_MS).toISOString();
}
