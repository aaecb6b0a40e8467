import type { EventFilter, ReadEventsOptions } from '../event-store.port.js';

/** The expression an index covers, so a trace by correlation reads only its own events. */
export const CORRELATION_EXPRESSION = `json_extract(metadata, '$.correlationId')`;
export const EVENT_READ_INDEXES = `CREATE INDEX IF NOT EXISTS events_by_correlation ON events (${CORRELATION_EXPRESSION});`;

const CATEGORY_EXPRESSION = `CASE instr(stream_id, '-') WHEN 0 THEN stream_id ELSE substr(stream_id, 1, instr(stream_id, '-') - 1) END`;

export interface EventReadSql {
  /** Statements are cached by this: one per shape of filter, never per value. */
  readonly shape: string;
  readonly where: string;
  readonly params: Record<string, string | number>;
}

/**
 * The WHERE clause of an analyst's read: each present filter field adds one condition, with its
 * values bound as parameters (lists as JSON arrays read with json_each).
 */
export function eventReadSql(filter: EventFilter, bounds: Omit<ReadEventsOptions, 'filter' | 'direction' | 'limit'>): EventReadSql {
  const conditions = [`substr(stream_id, 1, 1) <> '$'`, `substr(type, 1, 1) <> '$'`];
  const params: Record<string, string | number> = {};
  const shape: string[] = [];
  const add = (key: string, condition: string, value: string | number) => {
    conditions.push(condition);
    params[key] = value;
    shape.push(key);
  };
  if (bounds.afterPosition !== undefined) add('after', 'position > @after', bounds.afterPosition);
  if (bounds.beforePosition !== undefined) add('before', 'position < @before', bounds.beforePosition);
  if (filter.eventIds?.length) add('ids', 'event_id IN (SELECT value FROM json_each(@ids))', JSON.stringify(filter.eventIds));
  if (filter.streamIds?.length) add('streams', 'stream_id IN (SELECT value FROM json_each(@streams))', JSON.stringify(filter.streamIds));
  if (filter.categories?.length) add('categories', `${CATEGORY_EXPRESSION} IN (SELECT value FROM json_each(@categories))`, JSON.stringify(filter.categories));
  if (filter.eventTypes?.length) add('types', 'type IN (SELECT value FROM json_each(@types))', JSON.stringify(filter.eventTypes));
  if (filter.correlationId !== undefined) add('correlation', `${CORRELATION_EXPRESSION} = @correlation`, filter.correlationId);
  if (filter.causationId !== undefined) add('causation', `json_extract(metadata, '$.causationId') = @causation`, filter.causationId);
  if (filter.actor !== undefined) add('actor', `json_extract(metadata, '$.actor') = @actor`, filter.actor);
  if (filter.occurredFrom !== undefined) add('from', `json_extract(metadata, '$.occurredAt') >= @from`, filter.occurredFrom);
  if (filter.occurredBefore !== undefined) add('until', `json_extract(metadata, '$.occurredAt') < @until`, filter.occurredBefore);
  return { shape: shape.join(','), where: conditions.join(' AND '), params };
}
