import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { OpenActionItemHandler } from './open-action-item/open-action-item.handler';

/**
 * The action-item stream's commands. Every mutation is a StreamWrite run by the event-sourcing
 * module's one handler; only opening reads first (the incident, its action items), so it has its own.
 */
@Module({
  imports: [EventSourcingModule],
  providers: [OpenActionItemHandler],
})
export class ActionItemsModule {}
