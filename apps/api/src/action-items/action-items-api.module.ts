import { Module } from '@nestjs/common';
import { EventLogModule } from '../event-log/event-log.module';
import { ActionItemResolver } from './action-item.resolver';
import { OpenActionItemResolver } from './open-action-item/open-action-item.resolver';
import { TransitionActionItemResolver } from './transition-action-item/transition-action-item.resolver';
import { UpdateActionItemResolver } from './update-action-item/update-action-item.resolver';
import { ActionItemReadBack } from './action-item-read-back';
import { ActionItemsModule } from './action-items.module';

/** The GraphQL operations on action items: their mutations (through ActionItemsModule's commands) and queries. */
@Module({
  imports: [ActionItemsModule, EventLogModule],
  providers: [
    ActionItemReadBack,
    OpenActionItemResolver,
    UpdateActionItemResolver,
    TransitionActionItemResolver,
    ActionItemResolver,
  ],
})
export class ActionItemsApiModule {}
