import { Module } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import { LinkIncidentsHandler } from './link-incidents/link-incidents.handler';

/**
 * The incident stream's commands. Every mutation is a StreamWrite run by the event-sourcing module's
 * one handler; only linking reads another stream first, so it has a handler of its own.
 */
@Module({
  imports: [EventSourcingModule],
  providers: [LinkIncidentsHandler],
})
export class IncidentsModule {}
