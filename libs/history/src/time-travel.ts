import { type Decider, type DomainEvent, InvalidInput, jobDecider, jobStream, promptDecider, promptStream, QUEUE_STREAM, queueDecider, runDecider, runStream } from '../../domain/src/index.js';

/** The aggregates whose past can be folded, each with the decider its commands are decided by. */
export const ENTITIES = {
  prompt: { decider: promptDecider, stream: promptStream },
  run: { decider: runDecider, stream: runStream },
  job: { decider: jobDecider, stream: jobStream },
  queue: { decider: queueDecider, stream: () => QUEUE_STREAM },
} as const;

export type EntityKind = keyof typeof ENTITIES;

/** A moment in history: a time (the events that occurred up to it) or a log position (up to it, inclusive). */
export type PointInHistory = { readonly time: string } | { readonly position: number };

export function pointInHistory(input: { time?: string | null; position?: number | null }, field = 'at'): PointInHistory {
  const hasTime = input.time != null;
  const hasPosition = input.position != null;
  if (hasTime === hasPosition) throw new InvalidInput([{ field, problem: 'give exactly one of time or position' }]);
  if (hasTime) {
    if (Number.isNaN(Date.parse(input.time!))) throw new InvalidInput([{ field: `${field}.time`, problem: `must be an ISO 8601 time (got ${JSON.stringify(input.time)})` }]);
    return { time: new Date(input.time!).toISOString() };
  }
  if (!Number.isSafeInteger(input.position) || input.position! < 0) throw new InvalidInput([{ field: `${field}.position`, problem: `must be a whole number ≥ 0 (got ${input.position})` }]);
  return { position: input.position! };
}

/** Whether an event (by its position and occurredAt) happened at or before the point. */
export function reachedBy(point: PointInHistory): (event: { position: number; occurredAt: string }) => boolean {
  return 'time' in point ? (event) => event.occurredAt <= point.time : (event) => event.position <= point.position;
}

/** The decider's own fold: the same evolve the commands are decided with, not a second copy. */
export function foldWith<E extends DomainEvent, S>(decider: Pick<Decider<unknown, E, S>, 'initialState' | 'evolve'>, events: readonly E[]): S {
  return events.reduce((state, event) => decider.evolve(state, event), decider.initialState);
}
