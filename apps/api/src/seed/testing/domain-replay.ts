import {
  actionItemCatalogue,
  decideActionItem,
  decideIncident,
  evolveActionItem,
  evolveIncident,
  incidentCatalogue,
  initialActionItemState,
  initialIncidentState,
  type ActionItemCommand,
  type ActionItemEvent,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentState,
} from '@kb/domain';
import type { EventToAppend } from '@kb/event-store';
import type { EventMetadata } from '@kb/event-sourcing';
import type { DemoIncident } from '../demo-history';

/**
 * Replays generated streams through the deciders, independently of the generator: each decision
 * (the events sharing a correlationId) is turned back into the command that would have made it, and
 * `decide` at the decision's `occurredAt`, on the state folded so far, must return exactly those
 * events. Action items are opened against their incident as it was at that moment; links see the
 * related incident as it was then. Throws with the stream and event on the first mismatch.
 */
export class DomainReplay {
  /** Every incident's states after each decision, by id, for action items and links. */
  private readonly incidentTimelines = new Map<string, Array<{ at: string; state: IncidentState }>>();

  replay(incident: DemoIncident): void {
    const [incidentStream, ...itemStreams] = incident.streams;
    this.replayIncident(incidentStream.streamId, incidentStream.events);
    itemStreams.forEach((stream, opened) => this.replayActionItem(stream.streamId, stream.events, opened));
  }

  private replayIncident(streamId: string, events: readonly EventToAppend[]): void {
    let state: IncidentState = initialIncidentState;
    const timeline: Array<{ at: string; state: IncidentState }> = [];
    for (const decision of decisions(streamId, events, incidentCatalogue.versions)) {
      const [first] = decision.events as unknown as IncidentEvent[];
      const command = { incidentId: incidentIdOf(streamId), ...this.incidentCommand(first, decision.at) };
      const decided = decideIncident(command, state, new Date(decision.at));
      expectSame(streamId, decision, decided);
      state = decided.reduce(evolveIncident, state);
      timeline.push({ at: decision.at, state });
    }
    if (state.exists) this.incidentTimelines.set(state.id, timeline);
  }

  private incidentCommand(event: IncidentEvent, at: string): IncidentCommandBody {
    switch (event.type) {
      case 'IncidentReported': {
        const { incidentId: _id, reportedAt: _reportedAt, ...input } = event.data;
        return { type: 'ReportIncident', ...input };
      }
      case 'IncidentRevised':
        return { type: 'ReviseIncident', ...event.data.changes };
      case 'MilestoneRecorded':
        return { type: 'RecordMilestone', milestone: event.data.milestone, at: event.data.at };
      case 'IncidentReopened':
        return { type: 'ReopenIncident', reason: event.data.reason };
      case 'TimelineEntryAdded':
        return { type: 'AddTimelineEntry', at: event.data.at, text: event.data.text };
      case 'FindingRecorded': {
        const { kind, category, description } = event.data;
        return { type: 'RecordFinding', kind, category, description };
      }
      case 'FindingRevised':
        return { type: 'ReviseFinding', findingId: event.data.findingId, ...event.data.changes };
      case 'FindingRetracted':
        return { type: 'RetractFinding', findingId: event.data.findingId, reason: event.data.reason };
      case 'IncidentsLinked': {
        const related = this.incidentAt(event.data.relatedIncidentId, at);
        return {
          type: 'LinkIncidents',
          relation: event.data.relation,
          related: {
            id: event.data.relatedIncidentId,
            startedAt: related?.exists ? related.startedAt : null,
          },
        };
      }
      case 'PostmortemPublished':
        return { type: 'PublishPostmortem', summary: event.data.summary, impact: event.data.impact };
      case 'IncidentStatusChanged':
        throw new Error('A status change never starts a decision: it follows the event that caused it.');
      case 'ExperimentPlanned': {
        const { incidentId: _id, ...plan } = event.data;
        return { type: 'PlanExperiment', ...plan };
      }
      case 'ExperimentConcluded': {
        const { outcome, observations, concludedAt } = event.data;
        return { type: 'ConcludeExperiment', outcome, observations, concludedAt };
      }
      case 'PostmortemDueSet':
        throw new Error('A postmortem deadline never starts a decision: it follows the resolution.');
      case 'PostmortemOverdue':
        throw new Error('The demo history has no reminders: the deadline watcher writes them live.');
    }
  }

  /** `openedBefore`: the incident's action items opened before this one (its earlier streams). */
  private replayActionItem(streamId: string, events: readonly EventToAppend[], openedBefore: number): void {
    let state = initialActionItemState;
    for (const decision of decisions(streamId, events, actionItemCatalogue.versions)) {
      const [first] = decision.events as unknown as ActionItemEvent[];
      const actionItemId = streamId.slice('action-item-'.length);
      const command = this.actionItemCommand(actionItemId, first, decision.at, openedBefore);
      const decided = decideActionItem(command, state, new Date(decision.at));
      expectSame(streamId, decision, decided);
      state = decided.reduce(evolveActionItem, state);
    }
  }

  private actionItemCommand(
    actionItemId: string,
    event: ActionItemEvent,
    at: string,
    openedBefore: number,
  ): ActionItemCommand {
    switch (event.type) {
      case 'ActionItemOpened': {
        const d = event.data;
        return {
          type: 'OpenActionItem',
          actionItemId,
          incident: this.incidentAt(d.incidentId, at) ?? initialIncidentState,
          actionItemsOfIncident: openedBefore,
          incidentId: d.incidentId,
          findingId: d.findingId,
          title: d.title,
          description: d.description,
          itemType: d.type,
          priority: d.priority,
          ownerTeam: d.ownerTeam,
          assignee: d.assignee,
          dueDate: d.dueDate,
        };
      }
      case 'ActionItemUpdated':
        return { type: 'UpdateActionItem', actionItemId, ...event.data.changes };
      case 'ActionItemStarted':
        return { type: 'StartActionItem', actionItemId, note: event.data.note };
      case 'ActionItemCompleted':
        return { type: 'CompleteActionItem', actionItemId, note: event.data.note };
      case 'ActionItemDropped':
        return { type: 'DropActionItem', actionItemId, reason: event.data.reason };
      case 'ActionItemReopened':
        return { type: 'ReopenActionItem', actionItemId, note: event.data.note };
      case 'ActionItemOverdue':
        throw new Error('The demo history has no reminders: the deadline watcher writes them live.');
    }
  }

  /** The incident as its stream showed it at `at` (decisions up to and including that time). */
  private incidentAt(incidentId: string, at: string): IncidentState | undefined {
    let found: IncidentState | undefined;
    for (const entry of this.incidentTimelines.get(incidentId) ?? []) if (entry.at <= at) found = entry.state;
    return found;
  }
}

/** An incident command without its incidentId, kind by kind. */
type IncidentCommandBody = IncidentCommand extends infer C
  ? C extends { incidentId: string }
    ? Omit<C, 'incidentId'>
    : never
  : never;

interface Decision {
  readonly at: string;
  readonly events: ReadonlyArray<{ type: string; data: unknown }>;
}

/**
 * Splits a stream into decisions by correlationId, checking the metadata on the way: actor `seed`,
 * the catalogue's schema version, occurredAt never going back, and a causationId exactly on the
 * status changes (the id of the event before them).
 */
function decisions(
  streamId: string,
  events: readonly EventToAppend[],
  versions: Readonly<Record<string, number>>,
): Decision[] {
  const result: Array<{ correlationId: string; at: string; events: Array<{ type: string; data: unknown }> }> =
    [];
  events.forEach((event, i) => {
    const metadata = event.metadata as EventMetadata;
    const where = `${streamId}@${i} (${event.type})`;
    if (metadata.actor !== 'seed') throw new Error(`${where}: actor is ${metadata.actor}`);
    if (metadata.schemaVersion !== versions[event.type])
      throw new Error(`${where}: schemaVersion ${metadata.schemaVersion}, not ${versions[event.type]}`);
    const previous = result[result.length - 1];
    if (previous && metadata.occurredAt < previous.at) throw new Error(`${where}: occurredAt goes back`);
    // As the stream definitions say (causedByPrevious): a status change, and a postmortem's deadline.
    const causedByPrevious = event.type === 'IncidentStatusChanged' || event.type === 'PostmortemDueSet';
    const expectedCause = causedByPrevious ? events[i - 1]?.id : null;
    if (metadata.causationId !== expectedCause)
      throw new Error(`${where}: causationId ${metadata.causationId}, expected ${expectedCause}`);
    if (previous?.correlationId === metadata.correlationId) {
      if (previous.at !== metadata.occurredAt) throw new Error(`${where}: one decision, two times`);
      previous.events.push(event);
    } else result.push({ correlationId: metadata.correlationId, at: metadata.occurredAt, events: [event] });
  });
  return result;
}

function expectSame(
  streamId: string,
  decision: Decision,
  decided: ReadonlyArray<{ type: string; data: unknown }>,
) {
  const stored = JSON.stringify(decision.events.map(({ type, data }) => ({ type, data })));
  const replayed = JSON.stringify(decided.map(({ type, data }) => ({ type, data })));
  if (stored !== replayed)
    throw new Error(
      `${streamId} at ${decision.at}: the deciders decide\n${replayed}\nbut the stream holds\n${stored}`,
    );
}

function incidentIdOf(streamId: string): string {
  return streamId.slice('incident-'.length);
}
