import { randomUUID } from 'node:crypto';
import { type ActionItemCommand, type IncidentCommand, actionItemStream, incidentStream } from '@kb/domain';
import type { EventStore } from '@kb/event-store';
import { CommandExecutor } from '@kb/event-sourcing';

type WithoutId<T> = T extends unknown ? Omit<T, 'incidentId'> : never;
type IncidentCommandBody = WithoutId<IncidentCommand>;
type WithoutActionItemId<T> = T extends unknown ? Omit<T, 'actionItemId'> : never;
type ActionItemCommandBody = WithoutActionItemId<ActionItemCommand>;
type ActionItemChange = Exclude<ActionItemCommandBody, { type: 'OpenActionItem' }>;
export type OpenActionItemFields = Omit<
  Extract<ActionItemCommand, { type: 'OpenActionItem' }>,
  'type' | 'actionItemId' | 'incident' | 'incidentId' | 'actionItemsOfIncident'
>;

/**
 * The real write side (CommandExecutor with the incident and action-item stream definitions) over a
 * real store, with a clock that starts at `start` and moves one second per command.
 */
export class WriteSide {
  readonly caller = { actor: 'key-contributor-1', correlationId: 'req-read-models' };
  /** Position of the last event written. */
  lastPosition = '';
  private readonly executor: CommandExecutor;
  private now: number;
  /** Action items opened here, by incident: what the API's handler counts in the read model. */
  private readonly actionItemsOf = new Map<string, number>();

  constructor(store: EventStore, start = '2026-03-01T12:00:00.000Z') {
    this.now = Date.parse(start);
    this.executor = new CommandExecutor(store, () => new Date((this.now += 1000)));
  }

  async reportIncident(fields: Omit<Extract<IncidentCommandBody, { type: 'ReportIncident' }>, 'type'>) {
    const incidentId = randomUUID();
    await this.onIncident(incidentId, { type: 'ReportIncident', ...fields });
    return incidentId;
  }

  async onIncident(incidentId: string, command: IncidentCommandBody): Promise<string> {
    const outcome = await this.executor.execute(
      incidentStream,
      incidentId,
      { ...command, incidentId },
      this.caller,
      command,
    );
    if (outcome.position === null) throw new Error(`${command.type} wrote nothing`);
    this.lastPosition = outcome.position;
    return outcome.position;
  }

  async openActionItem(incidentId: string, fields: OpenActionItemFields): Promise<string> {
    const actionItemId = randomUUID();
    const incident = await this.executor.load(incidentStream, incidentId);
    await this.runOnActionItem(actionItemId, {
      type: 'OpenActionItem',
      incident: incident.state,
      actionItemsOfIncident: this.actionItemsOf.get(incidentId) ?? 0,
      incidentId,
      ...fields,
    });
    this.actionItemsOf.set(incidentId, (this.actionItemsOf.get(incidentId) ?? 0) + 1);
    return actionItemId;
  }

  onActionItem(actionItemId: string, command: ActionItemChange): Promise<string> {
    return this.runOnActionItem(actionItemId, command);
  }

  private async runOnActionItem(actionItemId: string, command: ActionItemCommandBody): Promise<string> {
    const outcome = await this.executor.execute(
      actionItemStream,
      actionItemId,
      { ...command, actionItemId },
      this.caller,
      command,
    );
    if (outcome.position === null) throw new Error(`${command.type} wrote nothing`);
    this.lastPosition = outcome.position;
    return outcome.position;
  }
}
