import type { StreamDefinition } from '../shared/stream-definition';
import { actionItemCatalogue } from './action-item.catalogue';
import { decideActionItem, type ActionItemCommand } from './action-item.decider';
import { actionItemStreamId, type ActionItemEvent } from './action-item.events';
import { evolveActionItem, initialActionItemState, type ActionItemState } from './action-item.state';

export const actionItemStream: StreamDefinition<ActionItemCommand, ActionItemEvent, ActionItemState> = {
  streamId: actionItemStreamId,
  catalogue: actionItemCatalogue,
  initialState: initialActionItemState,
  evolve: evolveActionItem,
  decide: decideActionItem,
};
