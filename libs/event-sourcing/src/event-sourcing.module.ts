import { Module } from '@nestjs/common';
import { CLOCK, CommandExecutor, type Clock } from './command-executor';

/** The command executor and the clock it decides with. Tests replace CLOCK. */
@Module({
  providers: [CommandExecutor, { provide: CLOCK, useValue: (() => new Date()) satisfies Clock }],
  exports: [CommandExecutor, CLOCK],
})
export class EventSourcingModule {}
