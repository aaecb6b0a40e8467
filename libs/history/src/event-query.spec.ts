import { InvalidInput } from '../../domain/src/index.js';
import { EVENT_TYPES, EventTypeRegistry } from '../../eventstore/src/index.js';
import { checkFilter, decodeCursor, encodeCursor, MAX_PAGE_SIZE, planPage } from './event-query.js';
import { ReversedRange, UnknownEventTypes, UnknownStreamCategories } from './history.errors.js';

const at = (position: number) => encodeCursor(position);

describe('planPage: a Relay window as one store read', () => {
  it('reads oldest first after a cursor, one more than the page to know if more follow', () => {
    expect(planPage({ first: 10, after: at(40) }, {})).toEqual({
      read: { filter: {}, direction: 'forwards', afterPosition: 40, beforePosition: undefined, limit: 11 },
      size: 10,
      reverse: false,
    });
  });

  it('reads `last` before a cursor newest first, and reverses the answer back to log order', () => {
    expect(planPage({ last: 5, before: at(40) }, {})).toMatchObject({
      read: { direction: 'backwards', afterPosition: undefined, beforePosition: 40, limit: 6 },
      reverse: true,
    });
  });

  it('in a BACKWARD list, `after` means older and `last` walks back towards the newest', () => {
    expect(planPage({ direction: 'BACKWARD', first: 5, after: at(40) }, {})).toMatchObject({
      read: { direction: 'backwards', beforePosition: 40, afterPosition: undefined },
      reverse: false,
    });
    expect(planPage({ direction: 'BACKWARD', last: 5, before: at(40) }, {})).toMatchObject({
      read: { direction: 'forwards', afterPosition: 40 },
      reverse: true,
    });
  });

  it('narrows cursors by the position range, whichever is tighter', () => {
    const { read } = planPage({ first: 10, after: at(5) }, { fromPosition: 20, toPosition: 30 });
    expect(read).toMatchObject({ afterPosition: 19, beforePosition: 31 });
    expect(planPage({ first: 10, after: at(25) }, { fromPosition: 20 }).read.afterPosition).toBe(25);
  });

  it('refuses pages outside 1..500, first with last, and cursors it never handed out', () => {
    expect(() => planPage({ first: MAX_PAGE_SIZE + 1 }, {})).toThrow(InvalidInput);
    expect(() => planPage({ first: 0 }, {})).toThrow(InvalidInput);
    expect(() => planPage({ first: 2, last: 2 }, {})).toThrow(InvalidInput);
    expect(() => planPage({ first: 2, after: 'bm9wZQ' }, {})).toThrow(/not a cursor/);
    expect(() => decodeCursor(Buffer.from('pos:-3').toString('base64url'), 'after')).toThrow(InvalidInput);
    expect(decodeCursor(at(123456789), 'after')).toBe(123456789);
    expect(planPage({}, {}).size).toBe(50);
  });
});

describe('checkFilter', () => {
  const registry = new EventTypeRegistry(EVENT_TYPES);

  it('names unknown event types and categories and lists the known ones', () => {
    const unknownType = (() => {
      try {
        checkFilter(registry, { eventTypes: ['RunStarted', 'JobQueued'] });
      } catch (error) {
        return error as UnknownEventTypes;
      }
    })()!;
    expect(unknownType).toBeInstanceOf(UnknownEventTypes);
    expect(unknownType.details.unknown).toEqual(['RunStarted']);
    expect(unknownType.details.known).toContain('RunStatusChanged');
    expect(() => checkFilter(registry, { categories: ['runs'] })).toThrow(UnknownStreamCategories);
    expect(() => checkFilter(registry, { categories: ['runs'] })).toThrow(/known: batchplan, gpunode, idempotency, job, prompt, queue, run$/);
  });

  it('refuses reversed ranges and malformed times, and normalises accepted times to stored ISO', () => {
    expect(() => checkFilter(registry, { fromPosition: 9, toPosition: 3 })).toThrow(ReversedRange);
    expect(() => checkFilter(registry, { occurredFrom: '2026-02-01', occurredBefore: '2026-01-01' })).toThrow(ReversedRange);
    expect(() => checkFilter(registry, { occurredFrom: 'yesterday' })).toThrow(InvalidInput);
    expect(checkFilter(registry, { occurredFrom: '2026-01-01T01:00:00+01:00' }).occurredFrom).toBe('2026-01-01T00:00:00.000Z');
    expect(checkFilter(registry, { fromPosition: 3, toPosition: 3 })).toEqual({ fromPosition: 3, toPosition: 3 });
  });
});
