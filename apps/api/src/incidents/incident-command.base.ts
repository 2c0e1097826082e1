import type { IncidentCommand } from '@kb/domain';
import type { CommandExecutor } from '../event-sourcing/command-executor';
import { Mutation, runMutation, type WriteOptions } from '../event-sourcing/mutation';
import { incidentStream, type IncidentOutcome } from './incident.stream';

export { fieldsOf, type WriteOptions } from '../event-sourcing/mutation';

/** Base of the incident commands. */
export abstract class IncidentMutation<Input extends WriteOptions> extends Mutation<Input, IncidentOutcome> {}

export const runOnIncident = (
  executor: CommandExecutor,
  incidentId: string,
  command: IncidentCommand,
  mutation: IncidentMutation<WriteOptions>,
): Promise<IncidentOutcome> => runMutation(executor, incidentStream, incidentId, command, mutation);
