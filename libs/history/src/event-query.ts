import { batchPlanStream, gpuNodeStream, idempotencyStream, InvalidInput, jobStream, promptStream, QUEUE_STREAM, runStream } from '../../domain/src/index.js';
import { type EventFilter, type EventTypeRegistry, type ReadEventsOptions, streamCategory } from '../../eventstore/src/index.js';
import { ReversedRange, UnknownEventTypes, UnknownStreamCategories } from './history.errors.js';

/** Every stream category this service writes, named by the same functions that name the streams. */
export const KNOWN_CATEGORIES: readonly string[] = [
  promptStream('x'),
  runStream('x'),
  jobStream('x'),
  QUEUE_STREAM,
  batchPlanStream('x'),
  idempotencyStream('x'),
  gpuNodeStream('x'),
].map(streamCategory).sort();

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

/** What an analyst asks of the log: the port's filter plus an inclusive position range. */
export interface HistoryFilter extends EventFilter {
  readonly fromPosition?: number;
  readonly toPosition?: number;
}

/** A Relay window over the filtered log: `first`/`after` forward, `last`/`before` backward through it. */
export interface HistoryPageRequest {
  readonly filter?: HistoryFilter;
  /** FORWARD is oldest first. */
  readonly direction?: 'FORWARD' | 'BACKWARD';
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/**
 * Refuses what would silently match nothing: types and categories nobody writes (listing the
 * known ones), and ranges that end before they start.
 */
export function checkFilter(registry: EventTypeRegistry, filter: HistoryFilter = {}, field = 'filter'): HistoryFilter {
  const knownTypes = registry.types();
  const unknownTypes = (filter.eventTypes ?? []).filter((type) => !registry.has(type));
  if (unknownTypes.length > 0) throw new UnknownEventTypes(`${field}.eventTypes`, unknownTypes, knownTypes);
  const unknownCategories = (filter.categories ?? []).filter((category) => !KNOWN_CATEGORIES.includes(category));
  if (unknownCategories.length > 0) throw new UnknownStreamCategories(`${field}.categories`, unknownCategories, [...KNOWN_CATEGORIES]);
  const problems = [
    ...timeProblems(filter.occurredFrom, `${field}.occurredFrom`),
    ...timeProblems(filter.occurredBefore, `${field}.occurredBefore`),
    ...positionProblems(filter.fromPosition, `${field}.fromPosition`),
    ...positionProblems(filter.toPosition, `${field}.toPosition`),
  ];
  if (problems.length > 0) throw new InvalidInput(problems);
  if (filter.occurredFrom !== undefined && filter.occurredBefore !== undefined && Date.parse(filter.occurredBefore) < Date.parse(filter.occurredFrom)) {
    throw new ReversedRange(`${field}.occurredAt`, filter.occurredFrom, filter.occurredBefore);
  }
  if (filter.fromPosition !== undefined && filter.toPosition !== undefined && filter.toPosition < filter.fromPosition) {
    throw new ReversedRange(`${field}.position`, String(filter.fromPosition), String(filter.toPosition));
  }
  return {
    ...filter,
    // Times compare as stored (ISO, UTC, milliseconds), so any accepted spelling is normalised.
    ...(filter.occurredFrom === undefined ? {} : { occurredFrom: new Date(filter.occurredFrom).toISOString() }),
    ...(filter.occurredBefore === undefined ? {} : { occurredBefore: new Date(filter.occurredBefore).toISOString() }),
  };
}

/** The store read a page request asks for, ascending bounds; `reverse` restores the asked order. */
export interface PlannedRead {
  readonly read: ReadEventsOptions;
  readonly size: number;
  /** The read runs against the asked order (`last`): its result is reversed before answering. */
  readonly reverse: boolean;
}

export function planPage(request: HistoryPageRequest, filter: HistoryFilter): PlannedRead {
  if (request.first != null && request.last != null) throw new InvalidInput([{ field: 'last', problem: 'give first or last, not both' }]);
  const backwardList = request.direction === 'BACKWARD';
  const fromEnd = request.last != null;
  const size = fromEnd ? request.last! : (request.first ?? DEFAULT_PAGE_SIZE);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new InvalidInput([{ field: fromEnd ? 'last' : 'first', problem: `must be 1 to ${MAX_PAGE_SIZE} (got ${size})` }]);
  }
  const after = request.after == null ? undefined : decodeCursor(request.after, 'after');
  const before = request.before == null ? undefined : decodeCursor(request.before, 'before');
  // In a BACKWARD list "after a cursor" means older than it.
  const older = backwardList ? after : before;
  const newer = backwardList ? before : after;
  const { fromPosition, toPosition, ...portFilter } = filter;
  const afterPosition = maxDefined(newer, fromPosition === undefined ? undefined : fromPosition - 1);
  const beforePosition = minDefined(older, toPosition === undefined ? undefined : toPosition + 1);
  const ascending = backwardList === fromEnd;
  return {
    read: { filter: portFilter, direction: ascending ? 'forwards' : 'backwards', afterPosition, beforePosition, limit: size + 1 },
    size,
    reverse: fromEnd,
  };
}

const CURSOR_PREFIX = 'pos:';

/** Opaque to clients; a position underneath, so a cursor stays valid however the log grows. */
export function encodeCursor(position: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${position}`).toString('base64url');
}

export function decodeCursor(cursor: string, field: string): number {
  const text = Buffer.from(cursor, 'base64url').toString();
  const position = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(position) || position < 0) {
    throw new InvalidInput([{ field, problem: 'is not a cursor this query handed out' }]);
  }
  return position;
}

function timeProblems(value: string | undefined, field: string) {
  return value === undefined || !Number.isNaN(Date.parse(value)) ? [] : [{ field, problem: `must be an ISO 8601 time (got ${JSON.stringify(value)})` }];
}

function positionProblems(value: number | undefined, field: string) {
  return value === undefined || (Number.isSafeInteger(value) && value >= 0) ? [] : [{ field, problem: `must be a whole number ≥ 0 (got ${value})` }];
}

function maxDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.max(a, b);
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
