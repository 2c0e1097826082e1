import {
  actionItemCatalogue,
  actionItemStreamId,
  decideActionItem,
  evolveActionItem,
  initialActionItemState,
  type ActionItemCommand,
  type ActionItemEvent,
  type ActionItemState,
} from '@kb/domain';
import type { CommandOutcome, StreamDefinition } from '../event-sourcing/command-executor';

export const actionItemStream: StreamDefinition<ActionItemCommand, ActionItemEvent, ActionItemState> = {
  streamId: actionItemStreamId,
  catalogue: actionItemCatalogue,
  initialState: initialActionItemState,
  evolve: evolveActionItem,
  decide: decideActionItem,
};

export type ActionItemOutcome = CommandOutcome<ActionItemEvent, ActionItemState>;
