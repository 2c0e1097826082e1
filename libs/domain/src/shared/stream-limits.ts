import { DomainRuleError } from './domain-errors';

/**
 * Caps on how much one incident or action item may hold. They keep every list the API returns of an
 * incident (timeline, findings, links, action items, history) bounded, and the streams that `history`
 * and `asOf` fold whole. A command that would go over a cap is refused with a DomainRuleError naming
 * the field and the cap; nothing is appended. Streams written before a cap existed stay readable.
 */

/** Timeline entries of one incident. */
export const MAX_TIMELINE_ENTRIES_PER_INCIDENT = 500;

/** Findings of one incident, retracted ones included: they stay in the stream and in its history. */
export const MAX_FINDINGS_PER_INCIDENT = 200;

/** Links from one incident to others (IncidentsLinked on its stream). */
export const MAX_LINKS_PER_INCIDENT = 100;

/**
 * Events of one incident stream, whatever their type: revisions, milestone corrections, finding
 * edits and reopenings have no cap of their own, so this one bounds `history` and `asOf`.
 */
export const MAX_EVENTS_PER_INCIDENT = 2_000;

/**
 * Action items opened for one incident. They live in their own streams, so the incident's stream
 * cannot count them: the handler counts the incident's action items in the read model and hands the
 * count to the decider. Two opens at the same moment may both see 199, so this is a soft limit.
 */
export const MAX_ACTION_ITEMS_PER_INCIDENT = 200;

/** Events of one action-item stream (updates and transitions), which bounds its `history`. */
export const MAX_EVENTS_PER_ACTION_ITEM = 1_000;

/**
 * The events of a change, unless they would take a stream past its cap (a change that writes
 * nothing is never refused). `field` and `stream` name what the refusal is about.
 */
export function withinStreamCap<Event>(
  events: Event[],
  current: number,
  cap: number,
  field: string,
  stream: string,
): Event[] {
  if (events.length > 0 && current + events.length > cap)
    throw new DomainRuleError(
      field,
      `${stream} holds at most ${cap} events; this one has ${current} and the change would add ${events.length}`,
    );
  return events;
}
