import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ActionItemCommand } from '@kb/domain';
import { CommandExecutor } from '@kb/event-sourcing';
import { runOnActionItem } from '../action-item-command.base';
import { ActionItemOutcome } from '../action-item.write';
import { TransitionActionItemCommand } from './transition-action-item.command';

@CommandHandler(TransitionActionItemCommand)
export class TransitionActionItemHandler implements ICommandHandler<TransitionActionItemCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: TransitionActionItemCommand): Promise<ActionItemOutcome> {
    const { actionItemId, reason } = command.input;
    const domainCommand: ActionItemCommand =
      command.transition === 'start'
        ? { type: 'StartActionItem', actionItemId, note: reason }
        : command.transition === 'complete'
          ? { type: 'CompleteActionItem', actionItemId, note: reason }
          : command.transition === 'drop'
            ? { type: 'DropActionItem', actionItemId, reason }
            : { type: 'ReopenActionItem', actionItemId, note: reason };
    return runOnActionItem(this.executor, actionItemId, domainCommand, command);
  }
}
