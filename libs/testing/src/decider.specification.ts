import type { Decider, DomainEvent } from '../../domain/src/index.js';

/**
 * given/when/then for deciders, with no Nest and no mocks:
 *   given([paused]).when(pause(now)).thenThrows(QueueAlreadyPaused)
 */
export function deciderSpec<Command, Event extends DomainEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(events: readonly Event[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState);
      return {
        when(command: Command) {
          const run = () => decider.decide(command, state);
          return {
            then(expected: readonly Event[]) {
              expect(run()).toEqual(expected);
            },
            thenThrows(errorType: new (...args: never[]) => Error, message?: string | RegExp) {
              expect(run).toThrow(errorType);
              if (message !== undefined) expect(run).toThrow(message);
            },
          };
        },
        thenState(expected: State) {
          expect(state).toEqual(expected);
        },
      };
    },
  };
}
