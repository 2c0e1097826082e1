import { Module, type DynamicModule } from '@nestjs/common';
import { EventSourcingModule } from '@kb/event-sourcing';
import type { DeadlineConfig } from './deadline-config';
import { DEADLINE_WATCHER_OPTIONS, DeadlineWatcher, type DeadlineWatcherOptions } from './deadline-watcher';

/** The deployment's postmortem policy (`PostmortemPolicy`), for the write path to put in RecordMilestone. */
export const POSTMORTEM_POLICY = Symbol('POSTMORTEM_POLICY');

/**
 * Deadlines (docs/operations/deadlines.md): the postmortem policy every process writes with, and the
 * deadline watcher, which runs in processes with the `projector` role.
 */
@Module({})
export class DeadlinesModule {
  static register(config: DeadlineConfig, watch: boolean): DynamicModule {
    const options: DeadlineWatcherOptions = { enabled: watch, scanMs: config.scanMs };
    return {
      module: DeadlinesModule,
      global: true,
      imports: [EventSourcingModule],
      providers: [
        { provide: POSTMORTEM_POLICY, useValue: config.postmortemPolicy },
        { provide: DEADLINE_WATCHER_OPTIONS, useValue: options },
        DeadlineWatcher,
      ],
      exports: [POSTMORTEM_POLICY, DeadlineWatcher],
    };
  }
}
