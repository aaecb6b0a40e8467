import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent, describeEventStoreContract, take, within } from '../../../testing/src/index.js';
import { StreamNotFound, WrongExpectedVersion } from '../event-store.errors.js';
import { openSqlite, type SqliteDatabase } from './open-sqlite.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite.event-store.js';

describeEventStoreContract('SQLite in memory', async () => {
  const db = openSqlite(':memory:');
  const store = new SqliteEventStore(db);
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
    },
  };
});

describeEventStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  const db = openSqlite(join(dir, 'cosmos.db'));
  const store = new SqliteEventStore(db);
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteEventStore', () => {
  let dir: string;
  const handles: SqliteDatabase[] = [];
  const stores: SqliteEventStore[] = [];

  function openStore(path: string, options: SqliteEventStoreOptions = {}): { db: SqliteDatabase; store: SqliteEventStore } {
    const db = openSqlite(path);
    const store = new SqliteEventStore(db, options);
    handles.push(db);
    stores.push(store);
    return { db, store };
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-event-store-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const db of handles.splice(0)) if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('wakes a waiting subscription on its own commits, and close() ends the wait, without polling', async () => {
    const { store } = openStore(':memory:', { pollIntervalMs: 60_000 });
    const subscription = store.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    const waiting = events.next();
    const written = anEvent('Opened');
    await store.append('order-1', [written], 'no_stream');
    expect(await within(waiting, 'the live event')).toMatchObject({ value: { id: written.id } });

    const waitingAgain = events.next();
    await within(subscription.close(), 'close() of a waiting subscription');
    await expect(within(waitingAgain, 'the pending next()')).resolves.toEqual({ done: true, value: undefined });
  });

  it('sees appends by another connection to the same file through its subscription', async () => {
    const writer = openStore(join(dir, 'shared.db')).store;
    const reader = openStore(join(dir, 'shared.db'), { pollIntervalMs: 20 }).store;
    const before = anEvent('Opened');
    await writer.append('order-1', [before], 'no_stream');

    const subscription = reader.subscribeToAll();
    const events = subscription[Symbol.asyncIterator]();
    expect((await take(events, 1, 'the stored event')).map((e) => e.id)).toEqual([before.id]);
    // The writer's commit signal never reaches the reader's store: only the poll can find this one.
    const after = anEvent('Priced');
    await writer.append('order-1', [after], 0);
    expect((await take(events, 1, 'the event from the other connection')).map((e) => e.id)).toEqual([after.id]);
    await expect(reader.append('order-1', [anEvent('Late')], 0)).rejects.toThrow(WrongExpectedVersion);
  });

  it('catches up over several pages without gap or duplicate', async () => {
    const { store } = openStore(':memory:');
    const written = Array.from({ length: 1_201 }, (_, i) => anEvent('Counted', { i }));
    await store.append('counter', written, 'no_stream');

    const subscription = store.subscribeToAll();
    const received = await take(subscription[Symbol.asyncIterator](), 1_201, 'paged events');
    expect(received.map((e) => e.id)).toEqual(written.map((e) => e.id));
    expect(received.map((e) => e.revision)).toEqual(written.map((_, i) => i));
  });

  it('recognises a retry whatever it expected, and rejects ids reused for different events', async () => {
    const { store } = openStore(':memory:');
    const opening = [anEvent('Opened'), anEvent('Priced')];
    const original = await store.append('order-1', opening, 'no_stream');
    await store.append('order-1', [anEvent('Shipped')], 1);

    await expect(store.append('order-1', opening, 'no_stream')).resolves.toEqual(original);
    await expect(store.append('order-1', opening, 7)).resolves.toEqual(original);
    await expect(store.append('order-1', [opening[0], anEvent('Other')], 'any')).rejects.toThrow(WrongExpectedVersion);
    await expect(store.append('order-1', [opening[1], opening[0]], 'any')).rejects.toThrow(WrongExpectedVersion);
    await expect(store.append('order-2', opening, 'any')).rejects.toThrow(WrongExpectedVersion);
    expect(await store.readStream('order-1')).toHaveLength(3);
    await expect(store.readStream('order-2')).rejects.toThrow(StreamNotFound);
  });

  it('answers an empty append with the current revision and head, still checking the expectation', async () => {
    const { store } = openStore(':memory:');
    expect(await store.headPosition()).toBe(0);
    await expect(store.append('order-1', [], 'no_stream')).resolves.toEqual({ revision: -1, position: 0 });
    const written = await store.append('order-1', [anEvent('Opened')], 'no_stream');
    await store.append('order-2', [anEvent('Opened')], 'no_stream');

    await expect(store.append('order-1', [], 0)).resolves.toEqual({ revision: 0, position: written.position + 1 });
    await expect(store.append('order-1', [], 'no_stream')).rejects.toThrow(WrongExpectedVersion);
  });

  it('hides events older than maxAgeSeconds', async () => {
    let now = new Date('2026-03-01T10:00:00.000Z');
    const { store } = openStore(':memory:', { clock: { now: () => now } });
    await store.append('order-1', [anEvent('Opened')], 'no_stream');
    now = new Date('2026-03-01T10:01:00.000Z');
    await store.append('order-1', [anEvent('Priced')], 0);
    await store.setStreamMetadata('order-1', { maxAgeSeconds: 90 });

    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([0, 1]);
    now = new Date('2026-03-01T10:02:00.000Z');
    expect((await store.readStream('order-1')).map((e) => e.revision)).toEqual([1]);
    expect((await store.readStream('order-1')).map((e) => e.recordedAt)).toEqual(['2026-03-01T10:01:00.000Z']);
  });

  it('treats a soft-deleted stream as missing for expectations and for another delete', async () => {
    const { store } = openStore(':memory:');
    await expect(store.deleteStream('order-1')).rejects.toThrow(StreamNotFound);
    await store.append('order-1', [anEvent('Opened'), anEvent('Priced')], 'no_stream');
    await store.deleteStream('order-1');

    await expect(store.deleteStream('order-1')).rejects.toThrow(StreamNotFound);
    await expect(store.append('order-1', [anEvent('Late')], 1)).rejects.toMatchObject({ actual: -1 });
    await expect(store.append('order-1', [anEvent('Late')], 'stream_exists')).rejects.toThrow(WrongExpectedVersion);
    await expect(store.append('order-1', [anEvent('Reopened')], -1)).resolves.toMatchObject({ revision: 2 });
  });

  it('keeps its schema and events when opened again, and leaves the handle open on close', async () => {
    const path = join(dir, 'reopen.db');
    const first = openStore(path);
    const written = await first.store.append('order-1', [anEvent('Opened')], 'no_stream');
    const again = new SqliteEventStore(first.db);

    expect(await again.readStream('order-1')).toMatchObject([{ position: written.position }]);
    const subscription = again.subscribeToAll();
    await again.close();
    await expect(within(subscription[Symbol.asyncIterator]().next(), 'next() after close')).resolves.toMatchObject({ done: true });
    expect(first.db.open).toBe(true);
  });
});
