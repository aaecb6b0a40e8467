import { randomUUID } from 'node:crypto';
import { EventTypeRegistry, openSqlite, type SqliteDatabase, SqliteEventStore } from '../../../eventstore/src/index.js';
import type { Checkpoint, Doc, WriteOp, WriteOutcome } from '../document-store.port.js';
import { SqliteDocumentStore } from '../sqlite/sqlite.document-store.js';
import { applyProjectionBatch } from './projection-batch.js';
import { builtVersion } from './projection-version.js';
import type { Projection } from './projection.js';
import { ProjectionRunner, type RunnerOptions } from './projection.runner.js';

interface CountDoc extends Doc {
  readonly count: number;
  readonly lastType?: string;
}

const countsV1: Projection<CountDoc> = {
  name: 'counts',
  collection: 'counts',
  filter: { streamPrefixes: ['count-'] },
  documentIds: (event) => [event.streamId],
  evolve: (doc, event) => ({ id: event.streamId, count: (doc?.count ?? 0) + 1 }),
};

/** Version 2 also keeps the last event's type: documents version 1 wrote lack the field. */
const countsV2: Projection<CountDoc> = {
  ...countsV1,
  version: 2,
  evolve: (doc, event) => ({ id: event.streamId, count: (doc?.count ?? 0) + 1, lastType: event.type }),
};

type LogEntry = Parameters<NonNullable<RunnerOptions['log']>>[0];

/** Lets a test hold a rebuild at its first shadow batch and look at the runner meanwhile. */
class HoldingDocumentStore extends SqliteDocumentStore {
  private hold: { reached: () => void; released: Promise<void> } | null = null;
  /** Lets a held batch go on; a no-op when none is held. */
  release: () => void = () => undefined;

  /** Resolves once the next shadow batch arrives; that batch waits until `release()`. */
  holdNextShadowBatch(): Promise<void> {
    return new Promise<void>((reached) => {
      this.hold = { reached, released: new Promise<void>((resolve) => (this.release = resolve)) };
    });
  }

  override async applyBatch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<WriteOutcome[]> {
    const hold = this.hold;
    if (hold && checkpoint?.name.includes(':shadow:')) {
      this.hold = null;
      hold.reached();
      await hold.released;
    }
    return super.applyBatch(ops, checkpoint);
  }
}

const event = (type: string) => ({
  id: randomUUID(),
  type,
  data: {},
  metadata: { occurredAt: '2026-11-28T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 'test' },
});

async function eventually(condition: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('projection versions (SQLite)', () => {
  let db: SqliteDatabase;
  let events: SqliteEventStore;
  let documents: HoldingDocumentStore;
  let runners: ProjectionRunner[];
  let logs: LogEntry[];
  const registry = new EventTypeRegistry();

  beforeEach(async () => {
    db = openSqlite(':memory:');
    events = new SqliteEventStore(db);
    documents = new HoldingDocumentStore(db);
    runners = [];
    logs = [];
    for (let i = 0; i < 60; i++) {
      await events.append(`count-${i % 10}`, [event(`Step${i % 4}`)], 'any');
      if (i % 9 === 0) await events.append(`other-${i}`, [event('Noise')], 'any');
    }
  });

  afterEach(async () => {
    // A test that failed while a rebuild was held must not leave the runner waiting on it.
    documents.release();
    for (const runner of runners) await runner.stop();
    await documents.close();
    await events.close();
    db.close();
  });

  const runner = (projection: Projection) => {
    const created = new ProjectionRunner(events, documents, registry, [projection], { batchSize: 10, log: (entry) => logs.push(entry) });
    runners.push(created);
    return created;
  };

  const started = async (projection: Projection) => {
    const created = runner(projection);
    await created.start();
    await eventually(() => created.isCaughtUp());
    return created;
  };

  /** The read model as it was before versions were recorded: documents and checkpoint, no version. */
  const buildWithoutVersion = async (projection: Projection) => {
    const all = await events.readAll({ filter: projection.filter });
    await applyProjectionBatch(documents, projection, all, { collection: projection.collection, checkpoint: projection.name });
  };

  /** What a fold of every event by `projection` gives, for comparison with the live read model. */
  const foldOfEverything = async (projection: Projection) => {
    const all = await events.readAll({ filter: projection.filter });
    await applyProjectionBatch(documents, projection, all, { collection: 'expected', checkpoint: 'expected' });
    return documents.find('expected', {}, { sort: { id: 1 } });
  };

  const lastPosition = async (projection: Projection) => (await events.readAll({ filter: projection.filter })).at(-1)!.position;
  const rebuildLogs = () => logs.filter((entry) => entry.msg.includes('rebuilding'));

  it('rebuilds a read model an older version built, blue/green, before it reports ready', async () => {
    await buildWithoutVersion(countsV1);
    expect(await documents.find('counts', { lastType: { $exists: true } })).toHaveLength(0);

    const held = documents.holdNextShadowBatch();
    const upgrading = runner(countsV2);
    await upgrading.start();
    await held;
    // The live loop keeps following while the rebuild runs, but the model is not ready yet.
    await events.append('count-late', [event('Late')], 'no_stream');
    await eventually(async () => (await documents.get('counts', 'count-late')) !== null);
    await eventually(async () => (await upgrading.status())[0].state === 'live');
    const [during] = await upgrading.status();
    expect(upgrading.isCaughtUp()).toBe(false);
    expect(during).toMatchObject({ caughtUp: false, rebuild: { finishedAt: null } });
    expect(await builtVersion.read(documents, countsV2)).toBeNull();

    documents.release();
    await eventually(() => upgrading.isCaughtUp());
    const docs = await documents.find<CountDoc>('counts', {}, { sort: { id: 1 } });
    expect(docs.length).toBe(11);
    expect(docs.every((doc) => typeof doc.lastType === 'string')).toBe(true);
    expect(docs).toEqual(await foldOfEverything(countsV2));
    expect(await documents.getCheckpoint('counts')).toBe(await lastPosition(countsV2));
    expect(await builtVersion.read(documents, countsV2)).toBe(2);
    const [after] = await upgrading.status();
    expect(after).toMatchObject({ state: 'live', caughtUp: true, rebuild: { percent: 100 } });
    expect(after.rebuild!.finishedAt).not.toBeNull();
    expect(rebuildLogs()).toEqual([expect.objectContaining({ projection: 'counts', fromVersion: 1, toVersion: 2 })]);

    // The next start finds version 2 on record and only resumes.
    await upgrading.stop();
    logs = [];
    const again = await started(countsV2);
    expect((await again.status())[0].rebuild).toBeNull();
    expect(rebuildLogs()).toEqual([]);
    expect(await documents.find('counts', {}, { sort: { id: 1 } })).toEqual(docs);
  });

  it('treats a read model from before versions were recorded as built by version 1', async () => {
    await buildWithoutVersion(countsV1);
    const same = await started(countsV1);
    expect((await same.status())[0].rebuild).toBeNull();
    expect(rebuildLogs()).toEqual([]);
  });

  it('records the version on a fresh store without rebuilding', async () => {
    const fresh = await started(countsV2);
    expect(await builtVersion.read(documents, countsV2)).toBe(2);
    expect((await fresh.status())[0].rebuild).toBeNull();
    expect(rebuildLogs()).toEqual([]);
    expect(await documents.find('counts', {}, { sort: { id: 1 } })).toEqual(await foldOfEverything(countsV2));
  });

  it('rebuilds again at the next start when a stop interrupted the version rebuild', async () => {
    const old = await started(countsV1);
    await old.stop();
    expect(await builtVersion.read(documents, countsV1)).toBe(1);

    const held = documents.holdNextShadowBatch();
    const interrupted = runner(countsV2);
    await interrupted.start();
    await held;
    const stopping = interrupted.stop();
    documents.release();
    await stopping;
    expect(await builtVersion.read(documents, countsV2)).toBe(1);
    expect(await documents.find('counts', { lastType: { $exists: true } })).toHaveLength(0);
    expect((await interrupted.status())[0].state).toBe('stopped');
    expect(logs).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('stopped during a version rebuild') }));

    logs = [];
    const next = await started(countsV2);
    expect(rebuildLogs()).toEqual([expect.objectContaining({ fromVersion: 1, toVersion: 2 })]);
    expect(await builtVersion.read(documents, countsV2)).toBe(2);
    expect((await next.status())[0].rebuild?.finishedAt).not.toBeNull();
    expect(await documents.find('counts', {}, { sort: { id: 1 } })).toEqual(await foldOfEverything(countsV2));
  });
});
