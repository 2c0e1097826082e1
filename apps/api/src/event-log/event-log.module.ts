import { Module } from '@nestjs/common';
import { EventLogResolver } from './event-log.resolver';
import { StreamHistory } from './stream-history';

/** The event log as the API shows it: history, time travel and subscriptions; StreamHistory for others. */
@Module({
  providers: [StreamHistory, EventLogResolver],
  exports: [StreamHistory],
})
export class EventLogModule {}
