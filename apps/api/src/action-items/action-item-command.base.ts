import type { ActionItemCommand } from '@kb/domain';
import type { CommandExecutor } from '../event-sourcing/command-executor';
import { Mutation, runMutation, type WriteOptions } from '../event-sourcing/mutation';
import { actionItemStream, type ActionItemOutcome } from './action-item.stream';

/** Base of the action-item commands. */
export abstract class ActionItemMutation<Input extends WriteOptions> extends Mutation<
  Input,
  ActionItemOutcome
> {}

export const runOnActionItem = (
  executor: CommandExecutor,
  actionItemId: string,
  command: ActionItemCommand,
  mutation: ActionItemMutation<WriteOptions>,
): Promise<ActionItemOutcome> => runMutation(executor, actionItemStream, actionItemId, command, mutation);
