import type { WriteOptions } from '@kb/event-sourcing';
import { ActionItemMutation } from '../action-item-command.base';

export interface UpdateActionItemInput extends WriteOptions {
  actionItemId: string;
  title?: string | null;
  description?: string | null;
  priority?: string | null;
  ownerTeam?: string | null;
  assignee?: string | null;
  dueDate?: string | null;
}

/** Changes an action item's details; only the fields given change. */
export class UpdateActionItemCommand extends ActionItemMutation<UpdateActionItemInput> {}
