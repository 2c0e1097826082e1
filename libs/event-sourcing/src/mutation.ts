import { Command } from '@nestjs/cqrs';
import { commandContext, type Caller } from './command-context';
import type { StreamDefinition } from '@kb/domain';
import type { CommandExecutor, CommandOutcome } from './command-executor';

/** What every mutation input may carry besides its fields (the contract's conventions). */
export interface WriteOptions {
  expectedRevision?: number | null;
  idempotencyKey?: string | null;
}

/** Base of the write commands: the caller's input as the contract defines it, and who sends it. */
export abstract class Mutation<Input extends WriteOptions, Outcome> extends Command<Outcome> {
  constructor(
    readonly input: Input,
    readonly caller: Caller,
  ) {
    super();
  }
}

/** Runs a domain command on an entity's stream, with the input's expectedRevision and idempotencyKey. */
export function runMutation<
  DomainCommand extends { type: string },
  Event extends { type: string; data: unknown },
  State,
>(
  executor: CommandExecutor,
  stream: StreamDefinition<DomainCommand, Event, State>,
  entityId: string,
  command: DomainCommand,
  mutation: Mutation<WriteOptions, CommandOutcome<Event, State>>,
): Promise<CommandOutcome<Event, State>> {
  return executor.execute(stream, entityId, command, commandContext(mutation.caller, mutation.input), {
    // The operation is part of what a key is bound to: the same key on another mutation is refused.
    operation: command.type,
    input: mutation.input,
  });
}

/** The write options are for the executor, not the domain: strip them from the fields. */
export function fieldsOf<Input extends WriteOptions>(
  input: Input,
): Omit<Input, 'expectedRevision' | 'idempotencyKey'> {
  const { expectedRevision: _revision, idempotencyKey: _key, ...fields } = input;
  return fields;
}
