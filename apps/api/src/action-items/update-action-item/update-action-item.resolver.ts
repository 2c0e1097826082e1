import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { Priority } from '@kb/domain';
import { fieldsOf } from '@kb/event-sourcing';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { PriorityEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { WriteOptionsInput } from '../../graphql/write-options.input';
import { ActionItem } from '../action-item.type';
import { ActionItemReadBack } from '../action-item-read-back';
import { actionItemWrite, type ActionItemInput } from '../action-item.write';

@InputType()
export class UpdateActionItemInput extends WriteOptionsInput implements ActionItemInput<'UpdateActionItem'> {
  @Field(() => ID)
  actionItemId!: string;

  @Field(() => String, { nullable: true })
  title?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => PriorityEnum, { nullable: true })
  priority?: Priority | null;

  @Field(() => String, { nullable: true })
  ownerTeam?: string | null;

  @Field(() => String, { nullable: true })
  assignee?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueDate?: string | null;
}

@Resolver()
export class UpdateActionItemResolver {
  constructor(private readonly actionItems: ActionItemReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, {
    description: "Changes an action item's details; only the fields given change.",
  })
  updateActionItem(
    @Args('input') input: UpdateActionItemInput,
    @Context() context: ApiContext,
  ): Promise<ActionItem> {
    return this.actionItems.actionItem(
      actionItemWrite({ type: 'UpdateActionItem', ...fieldsOf(input) }, callerOf(context), input),
    );
  }
}
