import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { ActionItemStatus, ActionItemType, Priority } from '@kb/domain';
import { ActionItemStatusEnum, ActionItemTypeEnum, PriorityEnum } from '../graphql/enums';
import { DateTimeScalar } from '../graphql/scalars';

/**
 * An action item. Its scalar fields are the read model's row (`ActionItemRow`); `overdue`, `incident`
 * and `history` are resolved by ActionItemFieldsResolver.
 */
@ObjectType()
export class ActionItem {
  @Field(() => ID)
  id!: string;

  @Field(() => Int)
  revision!: number;

  @Field(() => ID)
  incidentId!: string;

  @Field(() => ID, { nullable: true })
  findingId!: string | null;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => ActionItemTypeEnum)
  type!: ActionItemType;

  @Field(() => PriorityEnum)
  priority!: Priority;

  @Field()
  ownerTeam!: string;

  @Field(() => String, { nullable: true })
  assignee!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  dueDate!: string | null;

  @Field(() => ActionItemStatusEnum)
  status!: ActionItemStatus;

  @Field(() => DateTimeScalar)
  openedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  completedAt!: string | null;

  /** Set on an action item as known at an earlier instant (time travel). */
  asOf?: string;
}
