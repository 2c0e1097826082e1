import {
  actionItemStream,
  type ActionItemCommand,
  type ActionItemEvent,
  type ActionItemState,
  type CommandFields,
} from '@kb/domain';
import { StreamWrite, type Caller, type OutcomeOf, type WriteOptions } from '@kb/event-sourcing';

export type ActionItemOutcome = OutcomeOf<typeof actionItemStream>;
export type ActionItemWrite = StreamWrite<ActionItemCommand, ActionItemEvent, ActionItemState>;

/**
 * What a caller sends for one action-item command: the domain command's fields. A mutation's GraphQL
 * input class `implements` it, so the compiler checks the two declarations agree.
 */
export type ActionItemInput<Type extends ActionItemCommand['type']> = CommandFields<ActionItemCommand, Type>;

/** An action-item command on the stream of the action item it names, sent with the caller's input. */
export function actionItemWrite(
  command: ActionItemCommand,
  caller: Caller,
  input: WriteOptions,
): ActionItemWrite {
  return new StreamWrite(actionItemStream, command.actionItemId, command, caller, input);
}
