import type { DomainEvent } from './domain-event.js';

/**
 * The whole behaviour of one aggregate as three pure parts. `decide` throws a DomainError when a
 * rule forbids the command; time and ids arrive inside the command, never from a clock here.
 */
export interface Decider<Command, Event extends DomainEvent, State> {
  readonly name: string;
  readonly initialState: State;
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
}

export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
