import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandExecutor, fieldsOf } from '@kb/event-sourcing';
import { runOnActionItem } from '../action-item-command.base';
import { ActionItemOutcome } from '../action-item.write';
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
