import { EVENT_TYPES, EventTypeRegistry } from '../../../eventstore/src/index.js';
import { checkFilter, type HistoryFilter } from '../event-query.js';

/** An export's or copy's filter, checked against every event type and stream category this service writes. */
export function transferFilter(flags: { categories?: string[]; eventTypes?: string[]; streamIds?: string[]; correlationId?: string }): HistoryFilter {
  const { categories, eventTypes, streamIds, correlationId } = flags;
  return checkFilter(new EventTypeRegistry(EVENT_TYPES), {
    ...(categories ? { categories } : {}),
    ...(eventTypes ? { eventTypes } : {}),
    ...(streamIds ? { streamIds } : {}),
    ...(correlationId ? { correlationId } : {}),
  });
}
