import { Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { StreamDefinition } from '@kb/domain';
import { commandContext, type Caller } from './command-context';
import { CommandExecutor, type CommandOutcome } from './command-executor';

/** What every mutation input may carry besides its fields (the contract's conventions). */
export interface WriteOptions {
  expectedRevision?: number | null;
  idempotencyKey?: string | null;
}

/**
 * A domain command for one entity's stream, sent by a caller through the CommandBus. Every mutation
 * is one of these; `StreamWriteHandler` runs them all.
 */
export class StreamWrite<
  DomainCommand extends { type: string },
  Event extends { type: string; data: unknown },
  State,
> extends Command<CommandOutcome<Event, State>> {
  constructor(
    readonly stream: StreamDefinition<DomainCommand, Event, State>,
    readonly entityId: string,
    readonly command: DomainCommand,
    readonly caller: Caller,
    /**
     * The caller's input as sent: its expectedRevision and idempotencyKey apply, and an idempotency
     * key is bound to its digest (so a retry with other input is refused).
     */
    readonly input: WriteOptions,
  ) {
    super();
  }
}

/**
 * The StreamWrite maker of one stream: `incidentWrite(command, caller, input)` sends the command to
 * the stream of the entity it names.
 */
export function streamWriter<
  DomainCommand extends { type: string },
  Event extends { type: string; data: unknown },
  State,
>(stream: StreamDefinition<DomainCommand, Event, State>, entityIdOf: (command: DomainCommand) => string) {
  return (
    command: DomainCommand,
    caller: Caller,
    input: WriteOptions,
  ): StreamWrite<DomainCommand, Event, State> =>
    new StreamWrite(stream, entityIdOf(command), command, caller, input);
}

type AnyStreamWrite = StreamWrite<{ type: string }, { type: string; data: unknown }, unknown>;

/** The one handler of every StreamWrite: load, decide and append, through the executor. */
@Injectable()
@CommandHandler(StreamWrite)
export class StreamWriteHandler implements ICommandHandler<AnyStreamWrite> {
  constructor(private readonly executor: CommandExecutor) {}

  execute<DomainCommand extends { type: string }, Event extends { type: string; data: unknown }, State>(
    write: StreamWrite<DomainCommand, Event, State>,
  ): Promise<CommandOutcome<Event, State>> {
    return executeWrite(this.executor, write);
  }
}

/**
 * Runs a StreamWrite. For the handlers of the few use cases that must read before they can build
 * their domain command (e.g. the other incident of a link); every other write goes straight to
 * StreamWriteHandler.
 */
export function executeWrite<
  DomainCommand extends { type: string },
  Event extends { type: string; data: unknown },
  State,
>(
  executor: CommandExecutor,
  write: StreamWrite<DomainCommand, Event, State>,
): Promise<CommandOutcome<Event, State>> {
  return executor.execute(
    write.stream,
    write.entityId,
    write.command,
    commandContext(write.caller, write.input),
    // The operation is part of what a key is bound to: the same key on another mutation is refused.
    { operation: write.command.type, input: write.input },
  );
}

/** The write options are for the executor, not the domain: strip them from the fields. */
export function fieldsOf<Input extends WriteOptions>(
  input: Input,
): Omit<Input, 'expectedRevision' | 'idempotencyKey'> {
  const { expectedRevision: _revision, idempotencyKey: _key, ...fields } = input;
  return fields;
}
