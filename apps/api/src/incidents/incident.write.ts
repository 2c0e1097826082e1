import {
  incidentStream,
  type CommandFields,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentState,
} from '@kb/domain';
import { StreamWrite, type Caller, type OutcomeOf, type WriteOptions } from '@kb/event-sourcing';

export type IncidentOutcome = OutcomeOf<typeof incidentStream>;
export type IncidentWrite = StreamWrite<IncidentCommand, IncidentEvent, IncidentState>;

/**
 * What a caller sends for one incident command: the domain command's fields. A mutation's GraphQL
 * input class `implements` it, so the compiler checks the two declarations agree.
 */
export type IncidentInput<Type extends IncidentCommand['type']> = CommandFields<IncidentCommand, Type>;

/** An incident command on the stream of the incident it names, sent with the caller's input. */
export function incidentWrite(command: IncidentCommand, caller: Caller, input: WriteOptions): IncidentWrite {
  return new StreamWrite(incidentStream, command.incidentId, command, caller, input);
}
