import { type ActionItemCommand, actionItemStream } from '@kb/domain';
import { type CommandExecutor, Mutation, runMutation, type WriteOptions } from '@kb/event-sourcing';
import type { ActionItemOutcome } from './action-item.write';

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
