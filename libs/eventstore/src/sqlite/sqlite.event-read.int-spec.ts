import { anEvent } from '../../../testing/src/index.js';
import { eventMatcher } from '../event-filter.js';
import type { EventFilter, RecordedEvent } from '../event-store.port.js';
import { openSqlite, type SqliteDatabase } from './open-sqlite.js';
import { SqliteEventStore } from './sqlite.event-store.js';

/** A small deterministic generator, so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const STREAMS = ['prompt-a', 'prompt-b', 'run-a', 'run-b-c', 'job-x', 'queue', 'batchplan-1'];
const TYPES = ['Created', 'Changed', 'Ended'];
const ACTORS = ['ana', 'ben', 'system:worker'];

describe('SQLite readEvents agrees with the port matcher', () => {
  let db: SqliteDatabase;
  let store: SqliteEventStore;
  let log: RecordedEvent[];

  beforeAll(async () => {
    db = openSqlite(':memory:');
    store = new SqliteEventStore(db);
    const next = random(7);
    const pick = <T,>(values: readonly T[]) => values[Math.floor(next() * values.length)]!;
    for (let i = 0; i < 400; i++) {
      const day = String(1 + Math.floor(i / 20)).padStart(2, '0');
      const event = anEvent(pick(TYPES), { i }, {
        occurredAt: `2026-03-${day}T10:00:00.000Z`,
        correlationId: `c${Math.floor(next() * 30)}`,
        causationId: `k${Math.floor(next() * 60)}`,
        actor: pick(ACTORS),
      });
      await store.append(pick(STREAMS), [event], 'any');
    }
    log = await store.readEvents({ direction: 'forwards', limit: 1000 });
  });

  afterAll(async () => {
    await store.close();
    db.close();
  });

  it('finds exactly what the matcher selects, for 300 generated filters, both directions, between bounds', async () => {
    const next = random(11);
    const some = <T,>(values: readonly T[]) => values.filter(() => next() < 0.4);
    for (let round = 0; round < 300; round++) {
      const filter: EventFilter = {
        ...(next() < 0.3 ? { streamIds: some(STREAMS) } : {}),
        ...(next() < 0.4 ? { categories: some(['prompt', 'run', 'job', 'queue', 'batchplan']) } : {}),
        ...(next() < 0.4 ? { eventTypes: some(TYPES) } : {}),
        ...(next() < 0.2 ? { correlationId: `c${Math.floor(next() * 30)}` } : {}),
        ...(next() < 0.2 ? { causationId: `k${Math.floor(next() * 60)}` } : {}),
        ...(next() < 0.3 ? { actor: ACTORS[Math.floor(next() * 3)] } : {}),
        ...(next() < 0.3 ? { occurredFrom: `2026-03-0${1 + Math.floor(next() * 9)}T00:00:00.000Z` } : {}),
        ...(next() < 0.3 ? { occurredBefore: `2026-03-1${Math.floor(next() * 9)}T00:00:00.000Z` } : {}),
        ...(next() < 0.1 ? { eventIds: some(log.map((event) => event.id)).slice(0, 20) } : {}),
      };
      const afterPosition = next() < 0.5 ? Math.floor(next() * 400) : undefined;
      const beforePosition = next() < 0.5 ? Math.floor(next() * 400) + 1 : undefined;
      const limit = 1 + Math.floor(next() * 50);
      const matches = eventMatcher(filter);
      const inBounds = log.filter((event) => matches(event) && (afterPosition === undefined || event.position > afterPosition) && (beforePosition === undefined || event.position < beforePosition));
      const forwards = await store.readEvents({ filter, direction: 'forwards', afterPosition, beforePosition, limit });
      const backwards = await store.readEvents({ filter, direction: 'backwards', afterPosition, beforePosition, limit });
      const context = JSON.stringify({ round, filter, afterPosition, beforePosition, limit });
      expect({ context, ids: forwards.map((event) => event.id) }).toEqual({ context, ids: inBounds.slice(0, limit).map((event) => event.id) });
      expect({ context, ids: backwards.map((event) => event.id) }).toEqual({ context, ids: inBounds.slice().reverse().slice(0, limit).map((event) => event.id) });
      expect(await store.countEvents({ filter, afterPosition, beforePosition })).toBe(inBounds.length);
    }
  });
});
