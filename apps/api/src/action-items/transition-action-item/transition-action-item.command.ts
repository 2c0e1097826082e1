import type { WriteOptions } from '@kb/event-sourcing';
import { ActionItemMutation } from '../action-item-command.base';

export interface ActionItemTransitionInput extends WriteOptions {
  actionItemId: string;
  /** Required to drop; an optional note otherwise. */
  reason?: string | null;
}

export type ActionItemTransition = 'start' | 'complete' | 'drop' | 'reopen';

/** startActionItem, completeActionItem, dropActionItem and reopenActionItem: one input, four moves. */
export class TransitionActionItemCommand extends ActionItemMutation<ActionItemTransitionInput> {
  constructor(
    readonly transition: ActionItemTransition,
    ...args: ConstructorParameters<typeof ActionItemMutation<ActionItemTransitionInput>>
  ) {
    super(...args);
  }
}
