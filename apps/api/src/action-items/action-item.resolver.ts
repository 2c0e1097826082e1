import { Inject } from '@nestjs/common';
import {
  Args,
  Context,
  Field,
  ID,
  InputType,
  Int,
  Parent,
  Query,
  ResolveField,
  Resolver,
} from '@nestjs/graphql';
import type { DataSource } from 'typeorm';
import { MAX_EVENTS_PER_ACTION_ITEM, type ActionItemStatus, type Priority } from '@kb/domain';
import { isOverdue, listActionItems } from '@kb/read-models';
import { RecordedEvent } from '../event-log/recorded-event.type';
import { StreamHistory } from '../event-log/stream-history';
import type { ApiContext } from '../graphql/api-context';
import { ConnectionType, type Connection } from '../graphql/connection';
import { ActionItemStatusEnum, PriorityEnum } from '../graphql/enums';
import { Allow, requireRole } from '../graphql/roles.guard';
import { DateTimeScalar } from '../graphql/scalars';
import { Incident } from '../incidents/incident.type';
import { READ_MODEL_DATA_SOURCE } from '../read-side/read-side.module';
import { ActionItem } from './action-item.type';

@InputType('ActionItemFilter')
export class ActionItemFilterInput {
  @Field(() => ID, { nullable: true })
  incidentId?: string | null;

  @Field(() => [ActionItemStatusEnum], { nullable: true })
  statuses?: ActionItemStatus[] | null;

  @Field(() => [String], { nullable: true })
  ownerTeams?: string[] | null;

  @Field(() => [PriorityEnum], { nullable: true })
  priorities?: Priority[] | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'true: dueDate is past and status is OPEN or IN_PROGRESS (judged now); false: the others.',
  })
  overdue?: boolean | null;
}

export const ActionItemConnection = ConnectionType('ActionItem', () => ActionItem);

/** The action-item queries, and the fields of an action item that are not columns of its row. */
@Resolver(() => ActionItem)
export class ActionItemResolver {
  constructor(
    @Inject(READ_MODEL_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly streams: StreamHistory,
  ) {}

  @Allow('VIEWER')
  @Query(() => ActionItem, {
    nullable: true,
    description:
      'The action item now, or as the knowledge base knew it at asOf (events recorded up to then).',
  })
  actionItem(
    @Args('id', { type: () => ID }) id: string,
    @Args('asOf', { type: () => DateTimeScalar, nullable: true }) asOf: string | null,
    @Context() context: ApiContext,
  ): Promise<ActionItem | null> {
    if (asOf) return this.streams.actionItemAsOf(id, asOf);
    return context.loaders.actionItem.load(id);
  }

  @Allow('VIEWER')
  @Query(() => ActionItemConnection, {
    description: 'Action items, most recently opened first, a page at a time.',
  })
  actionItems(
    @Args('filter', { type: () => ActionItemFilterInput, nullable: true })
    filter: ActionItemFilterInput | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<Connection<ActionItem>> {
    return listActionItems(this.dataSource, { filter, first, after, now: new Date() });
  }

  @ResolveField(() => Boolean, {
    description: 'dueDate is past and status is OPEN or IN_PROGRESS (judged now, or at asOf).',
  })
  overdue(@Parent() item: ActionItem): boolean {
    return isOverdue(item, item.asOf ?? new Date());
  }

  @ResolveField(() => Incident)
  async incident(@Parent() item: ActionItem, @Context() context: ApiContext): Promise<Incident> {
    const incident = item.asOf
      ? await this.streams.incidentAsOf(item.incidentId, item.asOf)
      : await context.loaders.incident.load(item.incidentId);
    if (!incident) throw new Error(`The incident ${item.incidentId} of action item ${item.id} is not known.`);
    return incident;
  }

  @ResolveField(() => [RecordedEvent], {
    description: `Every event of this action item, oldest first; at most ${MAX_EVENTS_PER_ACTION_ITEM}, the cap on an action item's stream. Needs ANALYST or above, as the events query does (FORBIDDEN otherwise).`,
  })
  history(@Parent() item: ActionItem, @Context() context: ApiContext): Promise<RecordedEvent[]> {
    requireRole(context, 'ANALYST', 'read ActionItem.history');
    return this.streams.ofActionItem(item.id, item.asOf);
  }
}
