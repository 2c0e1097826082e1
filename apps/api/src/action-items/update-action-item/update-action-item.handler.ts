import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor } from '../../event-sourcing/command-executor';
import { fieldsOf } from '../../event-sourcing/mutation';
import { runOnActionItem } from '../action-item-command.base';
import type { ActionItemOutcome } from '../action-item.stream';
import { UpdateActionItemCommand } from './update-action-item.command';

@CommandHandler(UpdateActionItemCommand)
export class UpdateActionItemHandler implements ICommandHandler<UpdateActionItemCommand> {
  constructor(private readonly executor: CommandExecutor) {}

  execute(command: UpdateActionItemCommand): Promise<ActionItemOutcome> {
    const fields = fieldsOf(command.input);
    return runOnActionItem(
      this.executor,
      fields.actionItemId,
      { type: 'UpdateActionItem', ...fields },
      command,
    );
  }
}
