import { Readable, Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { EVENT_TYPES, type EventStore, EventTypeRegistry, openSqlite, type RecordedEvent, type SqliteDatabase, SqliteEventStore } from '../../../eventstore/src/index.js';
import { ALL_PROJECTIONS, ProjectionRunner, SqliteDocumentStore } from '../../../read-models/src/index.js';
import { busyJobDay, busyWeek, generatedHistory } from '../../../testing/src/index.js';
import { copyEvents, DivergentStream, exportEvents, importEvents, TargetNotEmpty } from './event-transfer.js';
import { MalformedEventLine, readNdjson, toNdjsonLine, writeNdjson } from './ndjson.js';

interface Opened {
  readonly db: SqliteDatabase;
  readonly events: EventStore;
  readonly documents: SqliteDocumentStore;
}

function open(): Opened {
  const db = openSqlite(':memory:');
  return { db, events: new SqliteEventStore(db), documents: new SqliteDocumentStore(db) };
}

async function close({ db, events, documents }: Opened): Promise<void> {
  await documents.close();
  await events.close();
  db.close();
}

/** Every read model rebuilt from the store's log, as collections of documents sorted by id. */
async function readModels({ events, documents }: Opened): Promise<Record<string, unknown[]>> {
  const runner = new ProjectionRunner(events, documents, new EventTypeRegistry(EVENT_TYPES), ALL_PROJECTIONS, { batchSize: 200 });
  const built: Record<string, unknown[]> = {};
  for (const projection of ALL_PROJECTIONS) {
    await runner.rebuildInto(projection, `${projection.collection}__copy`);
    built[projection.name] = await documents.find(`${projection.collection}__copy`, {}, { sort: { id: 1 } });
  }
  return built;
}

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const stored = (events: readonly RecordedEvent[]) => events.map(({ id, streamId, revision, type, data, metadata }) => ({ id, streamId, revision, type, data, metadata }));

describe('export, import and copy between event stores', () => {
  let source: Opened;
  let target: Opened;

  beforeEach(async () => {
    source = open();
    target = open();
    await busyWeek().appendTo(source.events);
    await busyJobDay().appendTo(source.events);
    await generatedHistory(3).appendTo(source.events);
  });

  afterEach(async () => {
    await close(source);
    await close(target);
  });

  it('round-trips a recorded history through NDJSON (gzipped too): same events in order, and every read model rebuilt there equals the original', async () => {
    const lines = (await collect(exportEvents(source.events, { pageSize: 37 }))).map(toNdjsonLine).join('');
    const report = await importEvents(target.events, readNdjson(Readable.from([gzipSync(lines)])));
    const original = await collect(exportEvents(source.events));
    expect(report).toMatchObject({ read: original.length, written: original.length, skipped: 0 });
    expect(stored(await collect(exportEvents(target.events)))).toEqual(stored(original));
    expect(await readModels(target)).toEqual(await readModels(source));
  });

  it('writes NDJSON a page per write, waiting whenever a slow sink is full, and says where to resume', async () => {
    const writes: string[] = [];
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _encoding, done) {
        writes.push(chunk.toString());
        setTimeout(done, 2);
      },
    });
    // What the sink still held each time it was handed a page: nothing, if 'drain' was awaited.
    const heldBeforeWrite: number[] = [];
    const write = slow.write.bind(slow) as (chunk: string) => boolean;
    slow.write = ((chunk: string) => {
      heldBeforeWrite.push(slow.writableLength);
      return write(chunk);
    }) as typeof slow.write;
    const all = await collect(exportEvents(source.events));
    const pages: number[] = [];
    const written = await writeNdjson(source.events, slow, { pageSize: 50, filter: { categories: ['job'] }, onPage: ({ events }) => pages.push(events) });
    const jobs = all.filter((event) => event.streamId.startsWith('job-'));
    expect(written).toEqual({ events: jobs.length, position: jobs[jobs.length - 1]!.position });
    expect(writes.join('')).toBe(jobs.map(toNdjsonLine).join(''));
    expect(writes).toHaveLength(Math.ceil(jobs.length / 50));
    expect(pages[pages.length - 1]).toBe(jobs.length);
    expect(heldBeforeWrite.every((held) => held === 0)).toBe(true);

    // Lines spliced from the stored text are exactly the lines encoding each decoded event gives.
    let whole = '';
    const collector = new Writable({
      write(chunk: Buffer, _encoding, done) {
        whole += chunk.toString();
        done();
      },
    });
    await writeNdjson(source.events, collector);
    expect(whole).toBe(all.map(toNdjsonLine).join(''));
  });

  it('refuses a non-empty target unless asked to append, and a repeated import then writes nothing', async () => {
    await copyEvents(source.events, target.events);
    await expect(copyEvents(source.events, target.events)).rejects.toThrow(TargetNotEmpty);
    const head = await target.events.headPosition();
    const again = await copyEvents(source.events, target.events, { append: true });
    expect(again.written).toBe(0);
    expect(again.skipped).toBe(again.read);
    expect(await target.events.headPosition()).toBe(head);
  });

  it('resumes a copy cut off half-way: nothing is written twice and the result is whole', async () => {
    const all = await collect(exportEvents(source.events));
    const halfway = new AbortController();
    let seen = 0;
    const cut = copyEvents(source.events, target.events, { signal: halfway.signal, onProgress: (p) => { if ((seen = p.read) > all.length / 2) halfway.abort(); } });
    await expect(cut).rejects.toThrow();
    expect(seen).toBeLessThan(all.length);
    const resumed = await copyEvents(source.events, target.events, { append: true });
    expect(resumed.skipped).toBeGreaterThan(0);
    expect(stored(await collect(exportEvents(target.events)))).toEqual(stored(all));
  });

  it('stops at a stream whose history in the target differs, naming it', async () => {
    const [first] = await collect(exportEvents(source.events));
    await target.events.append(first!.streamId, [{ id: '00000000-0000-5000-8000-000000000001', type: first!.type, data: {}, metadata: first!.metadata }], 'no_stream');
    await expect(copyEvents(source.events, target.events, { append: true })).rejects.toThrow(DivergentStream);
  });

  it('exports only what a filter selects, resumable after a position', async () => {
    const jobs = await collect(exportEvents(source.events, { filter: { categories: ['job'] } }));
    expect(jobs.length).toBeGreaterThan(10);
    expect(jobs.every((event) => event.streamId.startsWith('job-'))).toBe(true);
    const rest = await collect(exportEvents(source.events, { filter: { categories: ['job'] }, afterPosition: jobs[9]!.position }));
    expect(rest).toEqual(jobs.slice(10));
  });

  it('names the line of a malformed NDJSON input', async () => {
    const input = Readable.from([`${toNdjsonLine((await collect(exportEvents(source.events)))[0]!)}{"id":"x"}\n`]);
    await expect(collect(readNdjson(input))).rejects.toThrow(new MalformedEventLine(2, 'needs a non-empty stream, type'));
  });
});
