import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { queueDecider } from '../libs/domain/src/index.js';
import { EVENT_TYPES, EventSourcedCommandHandler, type EventToAppend, EventTypeRegistry, openSqlite, SqliteEventStore } from '../libs/eventstore/src/index.js';
import { type Doc, type Projection, ProjectionRunner, SqliteDocumentStore } from '../libs/read-models/src/index.js';

const COMMANDS = 5_000;
const BATCHES = 200;
const BATCH_SIZE = 100;

const payload = { pausedBy: 'bench', reason: 'a reason of ordinary length for the history', pausedAt: '2026-11-28T10:00:00.000Z' };
const metadata = { occurredAt: payload.pausedAt, correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 'bench' };

function rate(count: number, startedAt: bigint): { count: number; seconds: number; perSecond: number } {
  const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
  return { count, seconds: Number(seconds.toFixed(3)), perSecond: Math.round(count / seconds) };
}

/** Counts events per stream: a realistic projection write per event. */
const perStream: Projection<Doc & { count: number }> = {
  name: 'bench-per-stream',
  collection: 'bench_per_stream',
  filter: {},
  documentIds: (event) => [event.streamId],
  evolve: (doc, event) => ({ id: event.streamId, count: (doc?.count ?? 0) + 1 }),
};

export async function benchEventStore(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-bench-'));
  try {
    const db = openSqlite(join(dir, 'bench.db'));
    const store = new SqliteEventStore(db);
    const registry = new EventTypeRegistry(EVENT_TYPES);
    const handler = new EventSourcedCommandHandler(store, registry);

    // One-event commands through the generic handler: read → fold → decide → append, over 100 streams.
    let started = process.hrtime.bigint();
    for (let i = 0; i < COMMANDS; i++) {
      const paused = Math.floor(i / 100) % 2 === 0;
      const command = paused
        ? { type: 'PauseQueue' as const, actor: 'bench', reason: null, now: payload.pausedAt }
        : { type: 'ResumeQueue' as const, actor: 'bench', reason: null, now: payload.pausedAt };
      await handler.handle(queueDecider, `queue-bench-${i % 100}`, command, { commandId: randomUUID(), actor: 'bench', now: payload.pausedAt });
    }
    const commands = rate(COMMANDS, started);

    started = process.hrtime.bigint();
    for (let b = 0; b < BATCHES; b++) {
      const events: EventToAppend[] = Array.from({ length: BATCH_SIZE }, () => ({ id: randomUUID(), type: 'QueuePaused', data: payload, metadata }));
      await store.append(`batch-${b}`, events, 'no_stream');
    }
    const batches = rate(BATCHES * BATCH_SIZE, started);

    started = process.hrtime.bigint();
    let replayed = 0;
    for (let after = 0; ; ) {
      const page = await store.readAll({ afterPosition: after, maxCount: 1000 });
      if (page.length === 0) break;
      replayed += page.length;
      after = page[page.length - 1].position;
    }
    const replay = rate(replayed, started);

    const documents = new SqliteDocumentStore(db);
    const runner = new ProjectionRunner(store, documents, registry, [perStream], { batchSize: 500 });
    started = process.hrtime.bigint();
    await runner.start();
    while (!runner.isCaughtUp() || (await runner.status())[0].lag > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const catchUp = rate(replayed, started);
    await runner.stop();
    await documents.close();
    await store.close();
    db.close();

    return {
      commandHandlerOneEventAppendsPerSecond: commands,
      batchAppendEventsPerSecond: { ...batches, eventsPerAppend: BATCH_SIZE },
      allReplayEventsPerSecond: replay,
      projectionCatchUpEventsPerSecond: catchUp,
      raw: rawSqlite(dir),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The ceilings: plain better-sqlite3 on the same machine, same pragmas, same row shape. */
function rawSqlite(dir: string): Record<string, unknown> {
  const db = openSqlite(join(dir, 'raw.db'));
  db.exec('CREATE TABLE e (pos INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE, stream TEXT, rev INTEGER, type TEXT, data TEXT, meta TEXT, UNIQUE(stream, rev))');
  const insert = db.prepare('INSERT INTO e (id, stream, rev, type, data, meta) VALUES (?, ?, ?, ?, ?, ?)');
  const data = JSON.stringify(payload);
  const meta = JSON.stringify(metadata);

  let started = process.hrtime.bigint();
  const one = db.transaction((i: number) => insert.run(randomUUID(), `s-${i % 100}`, Math.floor(i / 100), 'QueuePaused', data, meta));
  for (let i = 0; i < COMMANDS; i++) one(i);
  const singleRowTransactions = rate(COMMANDS, started);

  started = process.hrtime.bigint();
  const many = db.transaction((b: number) => {
    for (let i = 0; i < BATCH_SIZE; i++) insert.run(randomUUID(), `b-${b}`, i, 'QueuePaused', data, meta);
  });
  for (let b = 0; b < BATCHES; b++) many(b);
  const batchTransactions = rate(BATCHES * BATCH_SIZE, started);

  started = process.hrtime.bigint();
  let scanned = 0;
  for (const row of db.prepare('SELECT * FROM e ORDER BY pos').iterate() as Iterable<{ data: string; meta: string }>) {
    JSON.parse(row.data);
    JSON.parse(row.meta);
    scanned++;
  }
  const scan = rate(scanned, started);
  db.close();
  return { insertOneRowPerTransactionPerSecond: singleRowTransactions, insert100RowsPerTransactionPerSecond: batchTransactions, scanWithJsonParsePerSecond: scan };
}
