import type { EventFilter, RecordedEvent } from './event-store.port.js';

/** A stream's category: the part of its name before the first dash, or the whole name (`queue`). */
export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

/**
 * The port's EventFilter as a predicate, exactly as the SQLite adapter's SQL applies it: the
 * EventStoreDB adapter filters its pages with it, and a differential test holds the two together.
 */
export function eventMatcher(filter: EventFilter = {}): (event: RecordedEvent) => boolean {
  const eventIds = filter.eventIds?.length ? new Set(filter.eventIds) : null;
  const streams = filter.streamIds?.length ? new Set(filter.streamIds) : null;
  const categories = filter.categories?.length ? new Set(filter.categories) : null;
  const types = filter.eventTypes?.length ? new Set(filter.eventTypes) : null;
  return (event) => {
    const { metadata } = event;
    return (
      !event.streamId.startsWith('$') &&
      !event.type.startsWith('$') &&
      (eventIds === null || eventIds.has(event.id)) &&
      (streams === null || streams.has(event.streamId)) &&
      (categories === null || categories.has(streamCategory(event.streamId))) &&
      (types === null || types.has(event.type)) &&
      (filter.correlationId === undefined || metadata.correlationId === filter.correlationId) &&
      (filter.causationId === undefined || metadata.causationId === filter.causationId) &&
      (filter.actor === undefined || metadata.actor === filter.actor) &&
      (filter.occurredFrom === undefined || metadata.occurredAt >= filter.occurredFrom) &&
      (filter.occurredBefore === undefined || metadata.occurredAt < filter.occurredBefore)
    );
  };
}
