import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ReadYourWrites } from '../../graphql/read-your-writes';
import { Allow } from '../../graphql/roles.guard';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { ActionItem } from '../action-item.type';
import { TransitionActionItemCommand, type ActionItemTransition } from './transition-action-item.command';

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
  constructor(private readonly writes: ReadYourWrites) {}

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
    return this.writes.actionItem(new TransitionActionItemCommand(transition, input, callerOf(context)));
  }
}
