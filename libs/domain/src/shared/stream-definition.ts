import type { EventCatalogue } from './event-catalogue';

/**
 * One event-sourced stream kind: how to name it, read its events, fold them and decide on it. Pure:
 * the write-side engine (`@kb/event-sourcing`) loads, decides and appends with it.
 */
export interface StreamDefinition<Command, Event extends { type: string; data: unknown }, State> {
  readonly streamId: (entityId: string) => string;
  readonly catalogue: EventCatalogue<Event>;
  readonly initialState: State;
  readonly evolve: (state: State, event: Event) => State;
  readonly decide: (command: Command, state: State, now: Date) => Event[];
  /** Events that follow from the event before them in the same decision: that event is their cause. */
  readonly causedByPrevious?: (event: Event) => boolean;
}

/** The fields of one command of a union, without its `type`: what a caller sends for it. */
export type CommandFields<Command extends { type: string }, Type extends Command['type']> = Omit<
  Extract<Command, { type: Type }>,
  'type'
>;
