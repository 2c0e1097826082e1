import type { WriteOptions } from '@kb/event-sourcing';
import { ActionItemMutation } from '../action-item-command.base';

export interface OpenActionItemInput extends Omit<WriteOptions, 'expectedRevision'> {
  incidentId: string;
  findingId?: string | null;
  title: string;
  description?: string | null;
  type: string;
  priority: string;
  ownerTeam: string;
  assignee?: string | null;
  dueDate?: string | null;
}

/** Opens an action item for an incident (and one of its findings): a new action-item stream. */
export class OpenActionItemCommand extends ActionItemMutation<OpenActionItemInput> {}
