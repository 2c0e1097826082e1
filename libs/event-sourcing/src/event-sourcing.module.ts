import { Module } from '@nestjs/common';
import { CLOCK, CommandExecutor, type Clock } from './command-executor';
import { StreamWriteHandler } from './stream-write';

/**
 * The command executor, the clock it decides with, and the one handler of every StreamWrite. Needs
 * EVENT_STORE and `CqrsModule.forRoot()` in the application. Tests replace CLOCK.
 */
@Module({
  providers: [
    CommandExecutor,
    StreamWriteHandler,
    { provide: CLOCK, useValue: (() => new Date()) satisfies Clock },
  ],
  exports: [CommandExecutor, CLOCK],
})
export class EventSourcingModule {}
