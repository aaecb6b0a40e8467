/**
 * An event as deciders see it: a past-tense type string we own, forever, and a plain JSON payload
 * (times as ISO strings). Metadata (who, when, why) travels beside it in the envelope, not here.
 */
export interface DomainEvent<Type extends string = string, Data extends object = object> {
  readonly type: Type;
  readonly data: Data;
}

/** Narrows a union of events by its type string. */
export type EventOfType<E extends DomainEvent, T extends E['type']> = Extract<E, { type: T }>;
