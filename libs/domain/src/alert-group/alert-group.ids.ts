import { createHash } from 'node:crypto';

/** The namespace of the alert-group ids (UUID v5); not the write side's, so no id of it can collide. */
const NAMESPACE = Buffer.from('a1e27c0d4b6f4e1f8d5a3b9c7e6f5a4d', 'hex');

/** A UUID v5 (RFC 9562) of `name` in the alert-group namespace: the same name, the same id, always. */
function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of the alert group of an Alertmanager `groupKey`: every notification of the group, from
 * any replica and any retry, lands on the same stream, with no lookup.
 */
export const alertGroupIdOf = (groupKey: string) => uuidV5(`alertmanager-group\n${groupKey}`);

/**
 * The incident of an episode of an alert group. Derived, not random: a notification decided twice
 * (a retry, a race lost and decided again) names the same incident, and the incident write that
 * follows it lands on the same stream and is recognised there.
 */
export const alertEpisodeIncidentId = (alertGroupId: string, episode: number) =>
  uuidV5(`alertmanager-episode\n${alertGroupId}\n${episode}`);
