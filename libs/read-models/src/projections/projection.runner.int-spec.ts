import { randomUUID } from 'node:crypto';
import { type EventStore, EventTypeRegistry, openSqlite, type RecordedEvent, type SqliteDatabase, SqliteEventStore } from '../../../eventstore/src/index.js';
import type { Doc, DocumentStore } from '../document-store.port.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import { applyProjectionBatch } from './projection-batch.js';
import type { Projection } from './projection.js';
import { ProjectionRunner } from './projection.runner.js';

interface TallyDoc extends Doc {
  readonly count: number;
  readonly lastType: string;
}

/** Counts events per stream and forgets a stream on `Closed`: creates, updates and deletes documents. */
const tally: Projection<TallyDoc> = {
  name: 'tally',
  collection: 'tally',
  filter: { streamPrefixes: ['tally-'] },
  documentIds: (event) => [event.streamId],
  evolve: (doc, event) => (event.type === 'Closed' ? null : { id: event.streamId, count: (doc?.count ?? 0) + 1, lastType: event.type }),
};

const event = (type: string) => ({
  id: randomUUID(),
  type,
  data: { at: type },
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 'test' },
});

async function appendMany(store: EventStore, count: number, streams = 20): Promise<void> {
  for (let i = 0; i < count; i++) {
    const type = i % 17 === 16 ? 'Closed' : `Step${i % 3}`;
    await store.append(`tally-${i % streams}`, [event(type)], 'any');
    if (i % 7 === 0) await store.append(`other-${i}`, [event('Noise')], 'any');
  }
}

async function eventually(condition: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('projection runner (SQLite)', () => {
  let db: SqliteDatabase;
  let events: SqliteEventStore;
  let documents: SqliteDocumentStore;
  let runner: ProjectionRunner;
  const registry = new EventTypeRegistry();

  beforeEach(() => {
    db = openSqlite(':memory:');
    events = new SqliteEventStore(db);
    documents = new SqliteDocumentStore(db);
    runner = new ProjectionRunner(events, documents, registry, [tally], { batchSize: 50 });
  });

  afterEach(async () => {
    await runner.stop();
    await documents.close();
    await events.close();
    db.close();
  });

  const caughtUpTo = async (store: DocumentStore) => (await store.getCheckpoint('tally')) ?? 0;

  it('catches up on history, then follows live appends in batches with the checkpoint', async () => {
    await appendMany(events, 300);
    await runner.start();
    await appendMany(events, 100);
    const head = await events.headPosition();
    await eventually(async () => runner.isCaughtUp() && (await runner.status())[0].lag === 0);
    const all = await events.readAll({ filter: tally.filter });
    expect(await caughtUpTo(documents)).toBe(all[all.length - 1].position);
    expect(head).toBeGreaterThanOrEqual(all[all.length - 1].position);
    const total = (await documents.find<TallyDoc>('tally')).reduce((sum, doc) => sum + doc.count, 0);
    expect(total).toBeGreaterThan(0);
  });

  it('rebuilds into a fresh collection and switches over to exactly the documents live processing made', async () => {
    await appendMany(events, 250);
    await runner.start();
    const writer = appendMany(events, 150);
    await writer;
    await eventually(async () => (await runner.status())[0].lag === 0);
    const live = await documents.find('tally', {}, { sort: { id: 1 } });
    expect(live.length).toBeGreaterThan(0);

    const progress: number[] = [];
    const report = await runner.rebuild('tally', (p) => progress.push(p.percent));
    expect(report.percent).toBe(100);
    expect(report.finishedAt).not.toBeNull();
    expect(progress[progress.length - 1]).toBe(100);
    expect(await documents.find('tally', {}, { sort: { id: 1 } })).toEqual(live);
    expect(await documents.count('tally__rebuild')).toBe(0);

    // Live processing carries on from the rebuilt checkpoint.
    await events.append('tally-new', [event('Step0')], 'no_stream');
    await eventually(async () => (await documents.get('tally', 'tally-new')) !== null);
  });

  it('changes nothing when the same events are applied twice', async () => {
    await appendMany(events, 120);
    const all: RecordedEvent[] = await events.readAll({ filter: tally.filter });
    await applyProjectionBatch(documents, tally, all, { collection: 'tally', checkpoint: 'tally' });
    const once = await documents.find('tally', {}, { sort: { id: 1 } });
    await applyProjectionBatch(documents, tally, all, { collection: 'tally', checkpoint: 'tally' });
    await applyProjectionBatch(documents, tally, all.slice(10, 40), { collection: 'tally', checkpoint: 'tally' });
    expect(await documents.find('tally', {}, { sort: { id: 1 } })).toEqual(once);
  });

  it('resumes from its checkpoint after a stop', async () => {
    await appendMany(events, 60);
    await runner.start();
    await eventually(async () => (await runner.status())[0].lag === 0);
    await runner.stop();
    const stoppedAt = await caughtUpTo(documents);

    await events.append('tally-late', [event('Step1'), event('Step2')], 'no_stream');
    expect(await documents.get('tally', 'tally-late')).toBeNull();
    runner = new ProjectionRunner(events, documents, registry, [tally], { batchSize: 50 });
    await runner.start();
    await eventually(async () => (await documents.get('tally', 'tally-late')) !== null);
    expect(await documents.get<TallyDoc>('tally', 'tally-late')).toMatchObject({ count: 2, lastType: 'Step2', _revision: 2 });
    expect(await caughtUpTo(documents)).toBeGreaterThan(stoppedAt);
  });
});

describe('projection status', () => {
  it('reports no lag for events its filter skips', async () => {
    const db = openSqlite(':memory:');
    const events = new SqliteEventStore(db);
    const documents = new SqliteDocumentStore(db);
    const runner = new ProjectionRunner(events, documents, new EventTypeRegistry(), [tally], { batchSize: 50 });
    try {
      await events.append('tally-1', [event('Step0')], 'no_stream');
      await runner.start();
      await eventually(async () => (await runner.status())[0].lag === 0);
      await events.append('other-1', [event('Noise'), event('Noise')], 'no_stream');
      const [status] = await runner.status();
      expect(status.head).toBeGreaterThan(status.checkpoint!);
      expect(status.lag).toBe(0);
    } finally {
      await runner.stop();
      await documents.close();
      await events.close();
      db.close();
    }
  });
});
