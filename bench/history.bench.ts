import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { EVENT_TYPES, type EventMetadata, type EventToAppend, EventTypeRegistry, openSqlite, type SqliteDatabase, SqliteEventStore } from '../libs/eventstore/src/index.js';
import { EventHistory, writeNdjson } from '../libs/history/src/index.js';
import { type Doc, type Projection, ProjectionRunner, SqliteDocumentStore, statsProjection } from '../libs/read-models/src/index.js';
import { round, spread, timings } from './samples.js';

// The scale: a million events in the log, a thousand in one entity's stream.
const LOG_EVENTS = 1_000_000;
const EVENTS_PER_JOB = 10; // a job's 6 events and its run's 4
const ENTITY_STREAM_EVENTS = 1_000;
const PAGE_SIZE = 100;
const ITERATIONS = 50;
const START = Date.parse('2026-01-01T00:00:00.000Z');

/**
 * The analysts' reads at scale on SQLite, each beside its ceiling: the same rows read by plain
 * better-sqlite3 on the same file in the same run.
 */
export async function benchHistory(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-bench-history-'));
  try {
    const db = openSqlite(join(dir, 'history.db'));
    const store = new SqliteEventStore(db);
    const registry = new EventTypeRegistry(EVENT_TYPES);
    const history = new EventHistory(store, registry);

    await seedJobFlows(store, (LOG_EVENTS - 2 * ENTITY_STREAM_EVENTS) / EVENTS_PER_JOB);
    const streams = await seedLongStreams(store);
    const head = await store.headPosition();

    const report = {
      logEvents: head,
      eventsPage: await benchPages(history, db, head),
      export: await benchExport(store, db),
      timeTravel: await benchTimeTravel(history, db, streams),
      statsCatchUp: await benchStatsCatchUp(store, db, registry, head),
    };
    await store.close();
    db.close();
    return report;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function metadataAt(ms: number, correlationId: string): EventMetadata {
  return { occurredAt: new Date(ms).toISOString(), correlationId, causationId: correlationId, schemaVersion: 1, actor: 'bench' };
}

/** Jobs with the events a real one has (queued, claimed, stages, succeeded; its run beside it). */
async function seedJobFlows(store: SqliteEventStore, jobs: number): Promise<{ jobs: number; events: number }> {
  let events = 0;
  for (let i = 0; i < jobs; i++) {
    const jobId = `job_${i.toString(16).padStart(16, '0')}`;
    const runId = `rs_${i.toString(16).padStart(32, '0')}`;
    const node = `gpu-${i % 4}`;
    const queuedAt = START + i * 20_000;
    const at = (seconds: number) => new Date(queuedAt + seconds * 1000).toISOString();
    const correlation = randomUUID();
    const event = (type: string, data: object, seconds: number): EventToAppend => ({ id: randomUUID(), type, data, metadata: metadataAt(queuedAt + seconds * 1000, correlation) });
    const config = { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: 35, guidance: 7, seed: i };
    const job = [
      event('JobQueued', { jobId, kind: 'inference', runIds: [runId], promptIds: ['ps_1'], config, priority: 50, idempotencyKey: null, retryOf: null, queuedAt: at(0), queuedBy: 'bench' }, 0),
      event('JobClaimed', { node, attempt: 1, containerName: `cosmos_${jobId}_1`, claimedAt: at(5) }, 5),
      event('JobStageChanged', { stage: 'uploading', percent: 10, at: at(6) }, 6),
      event('JobStageChanged', { stage: 'running', percent: 50, at: at(20) }, 20),
      event('JobStageChanged', { stage: 'downloading', percent: 90, at: at(120) }, 120),
      event(i % 10 === 0 ? 'JobFailed' : 'JobSucceeded', i % 10 === 0 ? { reason: 'oom', message: 'CUDA out of memory', exitCode: 137, at: at(125) } : { at: at(125), durationSeconds: 120 }, 125),
    ];
    const run = [
      event('RunRequested', { runId, promptId: 'ps_1', jobId, kind: 'inference', modelType: 'transfer', config, sourceRunId: null, sourceVideo: null, requestedAt: at(0), requestedBy: 'bench' }, 0),
      event('RunStatusChanged', { status: 'uploading', node, simulated: false, at: at(6) }, 6),
      event('RunStatusChanged', { status: 'running', node, simulated: false, at: at(20) }, 20),
      i % 10 === 0
        ? event('RunFailed', { reason: 'oom', message: 'CUDA out of memory', exitCode: 137, failedAt: at(125) }, 125)
        : event('RunCompleted', { outputs: [], completedAt: at(125), enhancedText: null }, 125),
    ];
    await store.append(`job-${jobId}`, job, 'no_stream');
    await store.append(`run-${runId}`, run, 'no_stream');
    events += job.length + run.length;
  }
  return { jobs, events };
}

interface LongStreams {
  readonly jobId: string;
  readonly runId: string;
  /** The time of the streams' middle events. */
  readonly middle: string;
}

/** A job and a run whose streams hold ENTITY_STREAM_EVENTS events each: progress, and re-ratings. */
async function seedLongStreams(store: SqliteEventStore): Promise<LongStreams> {
  const jobId = 'job_long_stream_bench';
  const runId = 'rs_long_stream_bench';
  const correlation = randomUUID();
  const iso = (i: number) => new Date(START + i * 1000).toISOString();
  const event = (type: string, data: object, i: number): EventToAppend => ({ id: randomUUID(), type, data, metadata: metadataAt(START + i * 1000, correlation) });
  const config = { numSteps: 35 };
  const job = [event('JobQueued', { jobId, kind: 'inference', runIds: [runId], promptIds: ['ps_1'], config, priority: 50, idempotencyKey: null, retryOf: null, queuedAt: iso(0), queuedBy: 'bench' }, 0)];
  const run = [
    event('RunRequested', { runId, promptId: 'ps_1', jobId, kind: 'inference', modelType: 'transfer', config, sourceRunId: null, sourceVideo: null, requestedAt: iso(0), requestedBy: 'bench' }, 0),
    event('RunStatusChanged', { status: 'running', node: 'gpu-0', simulated: false, at: iso(1) }, 1),
    event('RunCompleted', { outputs: [], completedAt: iso(2), enhancedText: null }, 2),
  ];
  for (let i = job.length; i < ENTITY_STREAM_EVENTS; i++) job.push(event('JobStageChanged', { stage: 'running', percent: i % 100, at: iso(i) }, i));
  for (let i = run.length; i < ENTITY_STREAM_EVENTS; i++) run.push(event('RunRated', { rating: (i % 5) + 1, ratedBy: 'bench', ratedAt: iso(i) }, i));
  await store.append(`job-${jobId}`, job, 'no_stream');
  await store.append(`run-${runId}`, run, 'no_stream');
  return { jobId, runId, middle: iso(ENTITY_STREAM_EVENTS / 2) };
}

async function benchPages(history: EventHistory, db: SqliteDatabase, head: number): Promise<Record<string, unknown>> {
  const deep = Math.floor(head * 0.9);
  const cursor = Buffer.from(`pos:${deep}`).toString('base64url');
  const rawPage = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT ?');
  const rawRead = (after: number) => {
    for (const row of rawPage.all(after, PAGE_SIZE + 1) as { data: string; metadata: string }[]) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
    return Promise.resolve();
  };
  const runsOnly = { categories: ['run'], types: ['RunFailed'] };
  return {
    pageSize: PAGE_SIZE,
    firstPageMs: spread(await timings(ITERATIONS, () => history.page({ first: PAGE_SIZE }))),
    deepPageMs: { atPosition: deep, ...spread(await timings(ITERATIONS, () => history.page({ first: PAGE_SIZE, after: cursor }))) },
    newestPageMs: spread(await timings(ITERATIONS, () => history.page({ direction: 'BACKWARD', first: PAGE_SIZE }))),
    deepFilteredPageMs: {
      filter: runsOnly,
      ...spread(await timings(ITERATIONS, () => history.page({ first: PAGE_SIZE, after: cursor, filter: { categories: runsOnly.categories, eventTypes: runsOnly.types } }))),
    },
    raw: {
      firstPageSelectWithJsonParseMs: spread(await timings(ITERATIONS, () => rawRead(0))),
      deepPageSelectWithJsonParseMs: spread(await timings(ITERATIONS, () => rawRead(deep))),
    },
  };
}

/** A sink that counts bytes and takes its time like a socket, so backpressure is exercised. */
function countingSink(): Writable & { bytes: number } {
  const sink = new Writable({
    highWaterMark: 64 * 1024,
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      setImmediate(done);
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

async function benchExport(store: SqliteEventStore, db: SqliteDatabase): Promise<Record<string, unknown>> {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = rssBefore;
  const sink = countingSink();
  let started = process.hrtime.bigint();
  const written = await writeNdjson(store, sink, { onPage: () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)) });
  sink.end();
  const exported = throughput(written.events, sink.bytes, started);

  // The ceilings: every row by one SELECT, each turned into a line in memory and its UTF-8 bytes
  // counted, no sink at all; once as stored (payloads stay JSON text), once parsed into the line
  // an export writes.
  const raw = (line: (row: RawRow) => string) => {
    let rows = 0;
    let bytes = 0;
    started = process.hrtime.bigint();
    for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as Iterable<RawRow>) {
      rows++;
      bytes += Buffer.byteLength(line(row)) + 1;
    }
    return throughput(rows, bytes, started);
  };
  const rawStringify = raw((row) => JSON.stringify(row));
  const rawParseAndStringify = raw((row) => JSON.stringify({ ...row, data: JSON.parse(row.data), metadata: JSON.parse(row.metadata) }));
  const rawIntoSink = await rawStringifyIntoSink(db);
  const share = (ours: number, ceiling: number) => `${Math.round((ours / ceiling) * 100)}%`;

  return {
    ...exported,
    rssGrowthMb: round((rssPeak - rssBefore) / 2 ** 20),
    ofRawStringify: { eventsPerSecond: share(exported.eventsPerSecond, rawStringify.eventsPerSecond), mbPerSecond: share(exported.mbPerSecond, rawStringify.mbPerSecond) },
    ofRawParseAndStringify: { eventsPerSecond: share(exported.eventsPerSecond, rawParseAndStringify.eventsPerSecond), mbPerSecond: share(exported.mbPerSecond, rawParseAndStringify.mbPerSecond) },
    ofRawStringifyIntoSink: { eventsPerSecond: share(exported.eventsPerSecond, rawIntoSink.eventsPerSecond), mbPerSecond: share(exported.mbPerSecond, rawIntoSink.mbPerSecond) },
    raw: { selectAndStringifyRows: rawStringify, selectParseAndStringifyRows: rawParseAndStringify, selectAndStringifyRowsIntoSink: rawIntoSink },
  };
}

/** A raw exporter: the rows as stored, stringified, a thousand lines a write into the same kind of sink. */
async function rawStringifyIntoSink(db: SqliteDatabase) {
  const sink = countingSink();
  let rows = 0;
  let lines: string[] = [];
  const started = process.hrtime.bigint();
  for (const row of db.prepare('SELECT * FROM events ORDER BY position').iterate() as Iterable<RawRow>) {
    rows++;
    lines.push(`${JSON.stringify(row)}\n`);
    if (lines.length === 1000) {
      if (!sink.write(lines.join(''))) await once(sink, 'drain');
      lines = [];
    }
  }
  sink.end(lines.join(''));
  return throughput(rows, sink.bytes, started);
}

interface RawRow {
  data: string;
  metadata: string;
}

function throughput(events: number, bytes: number, started: bigint) {
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { events, megabytes: round(bytes / 2 ** 20), seconds: round(seconds, 2), eventsPerSecond: Math.round(events / seconds), mbPerSecond: round(bytes / 2 ** 20 / seconds) };
}

async function benchTimeTravel(history: EventHistory, db: SqliteDatabase, streams: LongStreams): Promise<Record<string, unknown>> {
  const readStream = db.prepare('SELECT * FROM events WHERE stream_id = ? ORDER BY revision');
  const rawFold = () => {
    let folded = 0;
    for (const row of readStream.all(`job-${streams.jobId}`) as RawRow[]) folded += Object.keys(JSON.parse(row.data)).length + Object.keys(JSON.parse(row.metadata)).length;
    return Promise.resolve(folded);
  };
  const head = { time: '2100-01-01T00:00:00.000Z' };
  return {
    streamEvents: ENTITY_STREAM_EVENTS,
    jobAtHeadMs: spread(await timings(ITERATIONS, () => history.entityAt('job', streams.jobId, head))),
    jobAtMiddleMs: spread(await timings(ITERATIONS, () => history.entityAt('job', streams.jobId, { time: streams.middle }))),
    runAtHeadMs: spread(await timings(ITERATIONS, () => history.entityAt('run', streams.runId, head))),
    runAtMiddleMs: spread(await timings(ITERATIONS, () => history.entityAt('run', streams.runId, { time: streams.middle }))),
    raw: { selectStreamWithJsonParseMs: spread(await timings(ITERATIONS, rawFold)) },
  };
}

/** Counts events per stream: the projection machinery's own ceiling on the same events. */
const perStream: Projection<Doc & { count: number }> = {
  name: 'bench-per-stream',
  collection: 'bench_per_stream',
  filter: { streamPrefixes: ['job-', 'run-'] },
  documentIds: (event) => [event.streamId],
  evolve: (doc, event) => ({ id: event.streamId, count: (doc?.count ?? 0) + 1 }),
};

async function benchStatsCatchUp(store: SqliteEventStore, db: SqliteDatabase, registry: EventTypeRegistry, seeded: number): Promise<Record<string, unknown>> {
  const catchUp = async (projection: Projection<Doc>) => {
    const documents = new SqliteDocumentStore(db);
    const runner = new ProjectionRunner(store, documents, registry, [projection], { batchSize: 500 });
    const started = process.hrtime.bigint();
    await runner.start();
    while (!runner.isCaughtUp() || (await runner.status())[0]!.lag > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await runner.stop();
    await documents.close();
    return { events: seeded, seconds: round(seconds, 2), eventsPerSecond: Math.round(seeded / seconds) };
  };
  const stats = await catchUp(statsProjection as unknown as Projection<Doc>);
  const counting = await catchUp(perStream as unknown as Projection<Doc>);
  return { ...stats, raw: { perStreamCountProjection: counting } };
}
