import { type IncidentCommand, incidentStream } from '@kb/domain';
import { type CommandExecutor, Mutation, runMutation, type WriteOptions } from '@kb/event-sourcing';
import type { IncidentOutcome } from './incident.write';

export { fieldsOf, type WriteOptions } from '@kb/event-sourcing';

/** Base of the incident commands. */
export abstract class IncidentMutation<Input extends WriteOptions> extends Mutation<Input, IncidentOutcome> {}

export const runOnIncident = (
  executor: CommandExecutor,
  incidentId: string,
  command: IncidentCommand,
  mutation: IncidentMutation<WriteOptions>,
): Promise<IncidentOutcome> => runMutation(executor, incidentStream, incidentId, command, mutation);
