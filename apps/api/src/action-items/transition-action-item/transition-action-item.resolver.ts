import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { ActionItemCommand } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { ActionItem } from '../action-item.type';
import { ActionItemReadBack } from '../action-item-read-back';
import { actionItemWrite } from '../action-item.write';

export type ActionItemTransition = 'start' | 'complete' | 'drop' | 'reopen';

/** One input, four moves: the reason is required to drop, an optional note otherwise. */
@InputType()
export class ActionItemTransitionInput extends WriteOptionsInput {
  @Field(() => ID)
  actionItemId!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Required for dropActionItem; optional note otherwise.',
  })
  reason?: string | null;
}

/** startActionItem, completeActionItem, dropActionItem and reopenActionItem. */
@Resolver()
export class TransitionActionItemResolver {
  constructor(private readonly actionItems: ActionItemReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, { description: 'OPEN -> IN_PROGRESS.' })
  startActionItem(@Args('input') input: ActionItemTransitionInput, @Context() context: ApiContext) {
    return this.move('start', input, context);
  }

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, { description: 'IN_PROGRESS -> DONE.' })
  completeActionItem(@Args('input') input: ActionItemTransitionInput, @Context() context: ApiContext) {
    return this.move('complete', input, context);
  }

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, { description: 'OPEN or IN_PROGRESS -> WONT_DO, with the reason.' })
  dropActionItem(@Args('input') input: ActionItemTransitionInput, @Context() context: ApiContext) {
    return this.move('drop', input, context);
  }

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, { description: 'DONE or WONT_DO -> OPEN.' })
  reopenActionItem(@Args('input') input: ActionItemTransitionInput, @Context() context: ApiContext) {
    return this.move('reopen', input, context);
  }

  private move(transition: ActionItemTransition, input: ActionItemTransitionInput, context: ApiContext) {
    const command = actionItemTransition(transition, input);
    return this.actionItems.actionItem(actionItemWrite(command, callerOf(context), input));
  }
}

/** The domain command of one move: the reason is a drop's reason, or the note of the other moves. */
export function actionItemTransition(
  transition: ActionItemTransition,
  { actionItemId, reason }: { actionItemId: string; reason?: string | null },
): ActionItemCommand {
  return transition === 'start'
    ? { type: 'StartActionItem', actionItemId, note: reason }
    : transition === 'complete'
      ? { type: 'CompleteActionItem', actionItemId, note: reason }
      : transition === 'drop'
        ? { type: 'DropActionItem', actionItemId, reason }
        : { type: 'ReopenActionItem', actionItemId, note: reason };
}
