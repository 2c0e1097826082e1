import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { OpenActionItemHandler } from './open-action-item/open-action-item.handler';
import { TransitionActionItemHandler } from './transition-action-item/transition-action-item.handler';
import { UpdateActionItemHandler } from './update-action-item/update-action-item.handler';

/** The action-item stream's commands. */
@Module({
  imports: [EventSourcingModule],
  providers: [OpenActionItemHandler, UpdateActionItemHandler, TransitionActionItemHandler],
})
export class ActionItemsModule {}
