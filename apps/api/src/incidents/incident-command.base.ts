import { Command } from '@nestjs/cqrs';
import type { IncidentCommand } from '@kb/domain';
import type { CommandExecutor } from '../event-sourcing/command-executor';
import { commandContext, type Caller } from '../event-sourcing/command-context';
import { incidentStream, type IncidentOutcome } from './incident.stream';

/** What every incident mutation input may carry besides its fields (the contract's conventions). */
export interface WriteOptions {
  expectedRevision?: number | null;
  idempotencyKey?: string | null;
}

/** Base of the incident commands: the caller's input as the contract defines it, and who sends it. */
export abstract class IncidentMutation<Input extends WriteOptions> extends Command<IncidentOutcome> {
  constructor(
    readonly input: Input,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Runs a domain command on the incident's stream, with the input's expectedRevision and idempotencyKey. */
export function runOnIncident(
  executor: CommandExecutor,
  incidentId: string,
  command: IncidentCommand,
  mutation: IncidentMutation<WriteOptions>,
): Promise<IncidentOutcome> {
  return executor.execute(
    incidentStream,
    incidentId,
    command,
    commandContext(mutation.caller, mutation.input),
    {
      // The operation is part of what a key is bound to: the same key on another mutation is refused.
      operation: command.type,
      input: mutation.input,
    },
  );
}

/** The write options are for the executor, not the domain: strip them from the fields. */
export function fieldsOf<Input extends WriteOptions>(
  input: Input,
): Omit<Input, 'expectedRevision' | 'idempotencyKey'> {
  const { expectedRevision: _revision, idempotencyKey: _key, ...fields } = input;
  return fields;
}
