import { Command } from '@nestjs/cqrs';
import type { ActionItemCommand } from '@kb/domain';
import type { CommandExecutor } from '../event-sourcing/command-executor';
import { commandContext, type Caller } from '../event-sourcing/command-context';
import type { WriteOptions } from '../incidents/incident-command.base';
import { actionItemStream, type ActionItemOutcome } from './action-item.stream';

/** Base of the action-item commands: the caller's input as the contract defines it, and who sends it. */
export abstract class ActionItemMutation<Input extends WriteOptions> extends Command<ActionItemOutcome> {
  constructor(
    readonly input: Input,
    readonly caller: Caller,
  ) {
    super();
  }
}

export function runOnActionItem(
  executor: CommandExecutor,
  actionItemId: string,
  command: ActionItemCommand,
  mutation: ActionItemMutation<WriteOptions>,
): Promise<ActionItemOutcome> {
  return executor.execute(
    actionItemStream,
    actionItemId,
    command,
    commandContext(mutation.caller, mutation.input),
    {
      // The operation is part of what a key is bound to: the same key on another mutation is refused.
      operation: command.type,
      input: mutation.input,
    },
  );
}
