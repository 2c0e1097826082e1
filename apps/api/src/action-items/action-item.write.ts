import {
  actionItemStream,
  type ActionItemCommand,
  type ActionItemEvent,
  type ActionItemState,
  type CommandFields,
} from '@kb/domain';
import { streamWriter, type OutcomeOf, type StreamWrite } from '@kb/event-sourcing';

export type ActionItemOutcome = OutcomeOf<typeof actionItemStream>;
export type ActionItemWrite = StreamWrite<ActionItemCommand, ActionItemEvent, ActionItemState>;

/**
 * What a caller sends for one action-item command: the domain command's fields. A mutation's GraphQL
 * input class `implements` it, so the compiler checks the two declarations agree.
 */
export type ActionItemInput<Type extends ActionItemCommand['type']> = CommandFields<ActionItemCommand, Type>;

/** A command on the stream of the action item it names, sent with the caller's input. */
export const actionItemWrite = streamWriter(actionItemStream, (command) => command.actionItemId);
