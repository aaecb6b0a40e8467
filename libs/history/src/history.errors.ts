import { DomainError } from '../../domain/src/index.js';

/** A filter named event types the service never wrote; `known` lists the ones it did. */
export class UnknownEventTypes extends DomainError<{ field: string; unknown: string[]; known: string[] }> {
  constructor(field: string, unknown: string[], known: string[]) {
    super('UNKNOWN_EVENT_TYPE', `${field}: unknown event type${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; known: ${known.join(', ')}`, { field, unknown, known });
  }
}

export class UnknownStreamCategories extends DomainError<{ field: string; unknown: string[]; known: string[] }> {
  constructor(field: string, unknown: string[], known: string[]) {
    super('UNKNOWN_STREAM_CATEGORY', `${field}: unknown stream categor${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}; known: ${known.join(', ')}`, { field, unknown, known });
  }
}

/** A range whose end comes before its start would silently match nothing; it is refused instead. */
export class ReversedRange extends DomainError<{ field: string; from: string; to: string }> {
  constructor(field: string, from: string, to: string) {
    super('REVERSED_RANGE', `${field}: the range ends (${to}) before it starts (${from})`, { field, from, to });
  }
}
