/**
 * Given/when/then for pure deciders, in the style of Emmett's DeciderSpecification:
 * `spec.given(events).when(command).then(expectedEvents)` or `.thenThrows(ErrorClass, /message/)`.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State, now: Date): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
}

export const NOW = new Date('2026-03-01T12:00:00.000Z');

export function deciderSpecification<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: Event[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
      return {
        when(command: Command, now: Date = NOW) {
          const run = () => decider.decide(command, state, now);
          return {
            then(expected: Event[]) {
              expect(run()).toEqual(expected);
            },
            thenThrows(errorClass: new (...args: never[]) => Error, message?: RegExp | string) {
              expect(run).toThrow(errorClass);
              if (message !== undefined) expect(run).toThrow(message);
            },
            /** The raw decision, for assertions of a particular part. */
            decision: run,
          };
        },
      };
    },
  };
}
