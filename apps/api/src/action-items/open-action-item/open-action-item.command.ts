import { Command } from '@nestjs/cqrs';
import type { Caller, WriteOptions } from '@kb/event-sourcing';
import type { ActionItemInput, ActionItemOutcome } from '../action-item.write';

/**
 * What a caller sends to open an action item: the domain command's fields but `type` for its
 * `itemType`, without what the handler reads (the incident, its action items) or makes (the id).
 */
export type OpenActionItemInput = Omit<
  ActionItemInput<'OpenActionItem'>,
  'actionItemId' | 'incident' | 'actionItemsOfIncident' | 'itemType'
> & { type: string } & Omit<WriteOptions, 'expectedRevision'>;

/**
 * Opens an action item for an incident (and one of its findings): a new action-item stream. Not a
 * plain StreamWrite: the rules need the incident's stream and its count of action items.
 */
export class OpenActionItemCommand extends Command<ActionItemOutcome> {
  constructor(
    readonly input: OpenActionItemInput,
    readonly caller: Caller,
  ) {
    super();
  }
}
