import {
  incidentStream,
  type CommandFields,
  type IncidentCommand,
  type IncidentEvent,
  type IncidentState,
} from '@kb/domain';
import { streamWriter, type OutcomeOf, type StreamWrite } from '@kb/event-sourcing';

export type IncidentOutcome = OutcomeOf<typeof incidentStream>;
export type IncidentWrite = StreamWrite<IncidentCommand, IncidentEvent, IncidentState>;

/**
 * What a caller sends for one incident command: the domain command's fields. A mutation's GraphQL
 * input class `implements` it, so the compiler checks the two declarations agree.
 */
export type IncidentInput<Type extends IncidentCommand['type']> = CommandFields<IncidentCommand, Type>;

/** A command on the stream of the incident it names, sent with the caller's input. */
export const incidentWrite = streamWriter(incidentStream, (command) => command.incidentId);
