import { Args, Context, Field, ID, InputType, Mutation, Resolver } from '@nestjs/graphql';
import type { ActionItemType, Priority } from '@kb/domain';
import { callerOf, type ApiContext } from '../../graphql/api-context';
import { ActionItemTypeEnum, PriorityEnum } from '../../graphql/enums';
import { Allow } from '../../graphql/roles.guard';
import { DateTimeScalar } from '../../graphql/scalars';
import { IdempotentInput } from '../../graphql/write-options.input';
import { ActionItem } from '../action-item.type';
import { ActionItemReadBack } from '../action-item-read-back';
import {
  OpenActionItemCommand,
  type OpenActionItemInput as OpenActionItemFields,
} from './open-action-item.command';

@InputType()
export class OpenActionItemInput extends IdempotentInput implements OpenActionItemFields {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => ID, { nullable: true })
  findingId?: string | null;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ActionItemTypeEnum)
  type!: ActionItemType;

  @Field(() => PriorityEnum)
  priority!: Priority;

  @Field(() => String)
  ownerTeam!: string;

  @Field(() => String, { nullable: true })
  assignee?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueDate?: string | null;
}

@Resolver()
export class OpenActionItemResolver {
  constructor(private readonly actionItems: ActionItemReadBack) {}

  @Allow('CONTRIBUTOR')
  @Mutation(() => ActionItem, {
    description: 'Opens an action item for an incident (and one of its findings).',
  })
  openActionItem(
    @Args('input') input: OpenActionItemInput,
    @Context() context: ApiContext,
  ): Promise<ActionItem> {
    return this.actionItems.actionItem(new OpenActionItemCommand(input, callerOf(context)));
  }
}
