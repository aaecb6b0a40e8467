import type {
  Doc,
  DocumentChange,
  DocumentStore,
  DocumentWatch,
  WriteOp,
} from '../../read-models/src/index.js';

export interface OpenedDocumentStore {
  readonly store: DocumentStore;
  /** Closes the store and whatever the test opened for it (database handle, client, temp files). */
  close(): Promise<void>;
}

/** Below jest's 5 s test timeout, so a missing change fails with a message instead of a hang. */
const WATCH_TIMEOUT_MS = 3_000;

/**
 * The behaviour every DocumentStore adapter promises (see `document-store.port.ts`). Each test uses
 * its own collections, so one store serves the whole suite. Only what MongoDB also promises is here:
 * SQLite's all-or-nothing batches are tested beside that adapter.
 */
export function describeDocumentStoreContract(adapterName: string, open: () => Promise<OpenedDocumentStore>): void {
  describe(`DocumentStore contract: ${adapterName}`, () => {
    let opened: OpenedDocumentStore;
    let store: DocumentStore;
    const run = Math.random().toString(36).slice(2, 8);
    let sequence = 0;
    const unique = (label: string) => `${label}_${run}_${++sequence}`;

    const watches: DocumentWatch[] = [];
    /** A watch read one change at a time, each wait bounded; closed after the test. */
    const watchOf = (collection: string, on: DocumentStore = store) => {
      const watch = on.watch(collection);
      watches.push(watch);
      const changes = watch[Symbol.asyncIterator]();
      return {
        watch,
        next: () => within(changes.next(), `the next change on ${collection}`),
        async take(count: number): Promise<DocumentChange[]> {
          const taken: DocumentChange[] = [];
          while (taken.length < count) {
            const result = await within(changes.next(), `change ${taken.length + 1} of ${count} on ${collection}`);
            if (result.done) throw new Error(`the watch on ${collection} ended after ${taken.length} changes`);
            taken.push(result.value);
          }
          return taken;
        },
      };
    };

    beforeAll(async () => {
      opened = await open();
      store = opened.store;
    });
    afterEach(async () => {
      await Promise.all(watches.splice(0).map((watch) => watch.close()));
    });
    afterAll(async () => {
      await opened?.close();
    });

    describe('documents', () => {
      it('round-trips upsert, get and delete', async () => {
        const jobs = unique('jobs');
        expect(await store.upsert(jobs, { id: 'j1', status: 'queued', spec: { steps: 30 } })).toBe('applied');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', status: 'queued', spec: { steps: 30 } });
        expect(await store.delete(jobs, 'j1')).toBe('applied');
        expect(await store.get(jobs, 'j1')).toBeNull();
      });

      it('returns null for a missing document, also in a collection never written', async () => {
        const jobs = unique('jobs');
        await store.upsert(jobs, { id: 'j1' });
        expect(await store.get(jobs, 'nope')).toBeNull();
        expect(await store.get(unique('never'), 'j1')).toBeNull();
      });

      it('replaces the whole document on an unguarded upsert', async () => {
        const jobs = unique('jobs');
        await store.upsert(jobs, { id: 'j1', status: 'queued', node: 'n1' });
        expect(await store.upsert(jobs, { id: 'j1', status: 'running' })).toBe('applied');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', status: 'running' });
      });

      it('skips deleting a document that is not there', async () => {
        expect(await store.delete(unique('jobs'), 'nope')).toBe('skipped');
      });

      it('hands out copies: mutating a written or returned document changes nothing stored', async () => {
        const jobs = unique('jobs');
        const written = { id: 'j1', spec: { steps: 30 }, tags: ['gpu'] };
        await store.upsert(jobs, written);
        written.spec.steps = 1;
        const got = (await store.get<Job>(jobs, 'j1'))!;
        got.spec.steps = 2;
        got.tags.push('mutated');
        const [found] = await store.find<Job>(jobs);
        found.spec.steps = 3;
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', spec: { steps: 30 }, tags: ['gpu'] });
      });
    });

    describe('queries', () => {
      const jobs = unique('queried');
      const ids = (docs: readonly Doc[]) => docs.map((doc) => doc.id);
      const idSet = (docs: readonly Doc[]) => ids(docs).sort();

      beforeAll(async () => {
        await store.applyBatch(SAMPLE_JOBS.map((doc) => ({ kind: 'upsert', collection: jobs, doc })));
      });

      it.each([
        ['$in', { status: { $in: ['queued', 'running'] } }, ['j1', 'j2', 'j3', 'j5']],
        ['$gte', { priority: { $gte: 50 } }, ['j1', 'j2', 'j3']],
        ['$regex with $options i', { name: { $regex: '^alpha', $options: 'i' } }, ['j1', 'j3']],
        ['nested fields', { 'spec.model': 'edge', 'spec.steps': { $gte: 20 } }, ['j1']],
        ['array contains', { tags: 'fast' }, ['j1', 'j5']],
        ['$elemMatch', { attempts: { $elemMatch: { node: 'n2', ok: true } } }, ['j2', 'j5']],
        ['$or', { $or: [{ status: 'finished' }, { priority: { $gte: 80 } }] }, ['j2', 'j3', 'j4']],
        ['no filter', {}, ['j1', 'j2', 'j3', 'j4', 'j5']],
      ])('finds with %s', async (_operator, filter, expected) => {
        expect(idSet(await store.find(jobs, filter))).toEqual(expected);
      });

      it('sorts on several keys, then skips and limits', async () => {
        const sort = { status: 1, priority: -1, id: 1 } as const;
        expect(ids(await store.find(jobs, {}, { sort }))).toEqual(['j4', 'j3', 'j1', 'j5', 'j2']);
        expect(ids(await store.find(jobs, {}, { sort, skip: 1, limit: 2 }))).toEqual(['j3', 'j1']);
        expect(ids(await store.find(jobs, { status: 'queued' }, { sort: { priority: 1 }, limit: 2 }))).toEqual(['j5', 'j1']);
        expect(ids(await store.find(jobs, {}, { sort: { priority: -1, id: 1 }, limit: 2 }))).toEqual(['j2', 'j3']);
      });

      it('counts with and without a filter', async () => {
        expect(await store.count(jobs)).toBe(5);
        expect(await store.count(jobs, { status: 'queued' })).toBe(3);
        expect(await store.count(jobs, { 'spec.model': { $in: ['depth', 'seg'] } })).toBe(3);
        expect(await store.count(unique('never'))).toBe(0);
      });

      it('finds nothing in a collection never written', async () => {
        expect(await store.find(unique('never'), { status: 'queued' })).toEqual([]);
      });
    });

    describe('guards', () => {
      it('applies a position-guarded upsert only when it moves the document forward', async () => {
        const jobs = unique('position');
        expect(await store.upsert(jobs, { id: 'j1', v: 1, _position: 10 }, { position: 10 })).toBe('applied');
        expect(await store.upsert(jobs, { id: 'j1', v: 2, _position: 10 }, { position: 10 })).toBe('skipped');
        expect(await store.upsert(jobs, { id: 'j1', v: 3, _position: 5 }, { position: 5 })).toBe('skipped');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', v: 1, _position: 10 });
        expect(await store.upsert(jobs, { id: 'j1', v: 4, _position: 11 }, { position: 11 })).toBe('applied');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', v: 4, _position: 11 });
      });

      it('treats a stored document without _position as older than any position', async () => {
        const jobs = unique('position');
        await store.upsert(jobs, { id: 'j1', v: 1 });
        expect(await store.upsert(jobs, { id: 'j1', v: 2, _position: 3 }, { position: 3 })).toBe('applied');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', v: 2, _position: 3 });
      });

      it('applies a revision-guarded upsert only on the revision right before it (absent counts as 0)', async () => {
        const jobs = unique('revision');
        expect(await store.upsert(jobs, { id: 'j1', _revision: 2 }, { revision: 2 })).toBe('skipped');
        expect(await store.get(jobs, 'j1')).toBeNull();
        expect(await store.upsert(jobs, { id: 'j1', v: 1, _revision: 1 }, { revision: 1 })).toBe('applied');
        expect(await store.upsert(jobs, { id: 'j1', v: 'again', _revision: 1 }, { revision: 1 })).toBe('skipped');
        expect(await store.upsert(jobs, { id: 'j1', v: 2, _revision: 2 }, { revision: 2 })).toBe('applied');
        expect(await store.upsert(jobs, { id: 'j1', v: 4, _revision: 4 }, { revision: 4 })).toBe('skipped');
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', v: 2, _revision: 2 });

        await store.upsert(jobs, { id: 'j2' });
        expect(await store.upsert(jobs, { id: 'j2', _revision: 1 }, { revision: 1 })).toBe('applied');
      });

      it('guards deletes by position and by revision', async () => {
        const jobs = unique('delete');
        await store.upsert(jobs, { id: 'p', _position: 5 });
        expect(await store.delete(jobs, 'p', { position: 4 })).toBe('skipped');
        expect(await store.delete(jobs, 'p', { position: 5 })).toBe('skipped');
        expect(await store.get(jobs, 'p')).not.toBeNull();
        expect(await store.delete(jobs, 'p', { position: 6 })).toBe('applied');
        expect(await store.get(jobs, 'p')).toBeNull();
        expect(await store.delete(jobs, 'p', { position: 7 })).toBe('skipped');

        await store.upsert(jobs, { id: 'r', _revision: 2 });
        expect(await store.delete(jobs, 'r', { revision: 2 })).toBe('skipped');
        expect(await store.delete(jobs, 'r', { revision: 3 })).toBe('applied');
        expect(await store.get(jobs, 'r')).toBeNull();
      });
    });

    describe('batches and checkpoints', () => {
      it('applies the writes in order, each seeing the earlier ones, and records the checkpoint', async () => {
        const jobs = unique('batch_jobs');
        const nodes = unique('batch_nodes');
        const checkpoint = unique('projection');
        const outcomes = await store.applyBatch(
          [
            { kind: 'upsert', collection: jobs, doc: { id: 'j1', state: 'queued', _position: 1, _revision: 1 }, guard: { position: 1 } },
            { kind: 'upsert', collection: nodes, doc: { id: 'n1', jobs: ['j1'], _position: 1 }, guard: { position: 1 } },
            { kind: 'upsert', collection: jobs, doc: { id: 'j1', state: 'running', _position: 2, _revision: 2 }, guard: { revision: 2 } },
            { kind: 'upsert', collection: jobs, doc: { id: 'j1', state: 'stale', _position: 1 }, guard: { position: 1 } },
            { kind: 'upsert', collection: jobs, doc: { id: 'j2', state: 'queued', _position: 3 }, guard: { position: 3 } },
            { kind: 'delete', collection: jobs, id: 'j2', guard: { position: 4 } },
          ],
          { name: checkpoint, position: 4 },
        );
        expect(outcomes).toEqual(['applied', 'applied', 'applied', 'skipped', 'applied', 'applied']);
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', state: 'running', _position: 2, _revision: 2 });
        expect(await store.get(jobs, 'j2')).toBeNull();
        expect(await store.get(nodes, 'n1')).toEqual({ id: 'n1', jobs: ['j1'], _position: 1 });
        expect(await store.getCheckpoint(checkpoint)).toBe(4);
      });

      it('moves, keeps and deletes checkpoints', async () => {
        const checkpoint = unique('projection');
        expect(await store.getCheckpoint(checkpoint)).toBeNull();
        await store.applyBatch([], { name: checkpoint, position: 7 });
        await store.applyBatch([{ kind: 'upsert', collection: unique('jobs'), doc: { id: 'j1' } }]);
        expect(await store.getCheckpoint(checkpoint)).toBe(7);
        await store.applyBatch([], { name: checkpoint, position: 9 });
        expect(await store.getCheckpoint(checkpoint)).toBe(9);
        await store.deleteCheckpoint(checkpoint);
        expect(await store.getCheckpoint(checkpoint)).toBeNull();
      });

      it('changes nothing when the same guarded batch is applied twice', async () => {
        const jobs = unique('replayed');
        const checkpoint = unique('projection');
        await store.upsert(jobs, { id: 'gone', _position: 0 });
        const batch: WriteOp[] = [
          { kind: 'upsert', collection: jobs, doc: { id: 'j1', v: 1, _position: 1 }, guard: { position: 1 } },
          { kind: 'upsert', collection: jobs, doc: { id: 'j1', v: 2, _position: 2 }, guard: { position: 2 } },
          { kind: 'upsert', collection: jobs, doc: { id: 'j2', v: 1, _revision: 1 }, guard: { revision: 1 } },
          { kind: 'delete', collection: jobs, id: 'gone', guard: { position: 3 } },
        ];
        expect(await store.applyBatch(batch, { name: checkpoint, position: 3 })).toEqual(['applied', 'applied', 'applied', 'applied']);
        const once = await store.find(jobs, {}, { sort: { id: 1 } });

        expect(await store.applyBatch(batch, { name: checkpoint, position: 3 })).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
        expect(await store.find(jobs, {}, { sort: { id: 1 } })).toEqual(once);
        expect(once).toEqual([{ id: 'j1', v: 2, _position: 2 }, { id: 'j2', v: 1, _revision: 1 }]);
        expect(await store.getCheckpoint(checkpoint)).toBe(3);
      });
    });

    describe('indexes', () => {
      it('enforces a unique index and frees a key when its document moves on', async () => {
        const users = unique('users');
        await store.ensureIndex(users, { keys: { email: 1 }, unique: true });
        await store.ensureIndex(users, { keys: { email: 1 }, unique: true });
        await store.upsert(users, { id: 'a', email: 'x@example.org' });
        await expect(store.upsert(users, { id: 'b', email: 'x@example.org' })).rejects.toThrow();
        expect(await store.get(users, 'b')).toBeNull();

        expect(await store.upsert(users, { id: 'a', email: 'x@example.org', name: 'A' })).toBe('applied');
        await store.upsert(users, { id: 'a', email: 'new@example.org' });
        expect(await store.upsert(users, { id: 'b', email: 'x@example.org' })).toBe('applied');
        await store.delete(users, 'a');
        expect(await store.upsert(users, { id: 'c', email: 'new@example.org' })).toBe('applied');
      });

      it('lets a batch hand a unique key from one document to another', async () => {
        const users = unique('users');
        await store.ensureIndex(users, { keys: { email: 1 }, unique: true });
        await store.upsert(users, { id: 'a', email: 'x@example.org' });
        const outcomes = await store.applyBatch([
          { kind: 'upsert', collection: users, doc: { id: 'a', email: 'old@example.org' } },
          { kind: 'upsert', collection: users, doc: { id: 'b', email: 'x@example.org' } },
        ]);
        expect(outcomes).toEqual(['applied', 'applied']);
      });

      it('refuses a unique index the stored documents already break', async () => {
        const users = unique('users');
        await store.upsert(users, { id: 'a', email: 'x@example.org' });
        await store.upsert(users, { id: 'b', email: 'x@example.org' });
        await expect(store.ensureIndex(users, { keys: { email: 1 }, unique: true })).rejects.toThrow();
      });

      it('accepts a plain index without changing what queries return', async () => {
        const jobs = unique('jobs');
        await store.ensureIndex(jobs, { keys: { status: 1, priority: -1 } });
        await store.upsert(jobs, { id: 'j1', status: 'queued', priority: 1 });
        await store.upsert(jobs, { id: 'j2', status: 'queued', priority: 1 });
        expect(await store.count(jobs, { status: 'queued' })).toBe(2);
      });
    });

    describe('collections', () => {
      it('replaces a collection with another and removes the source', async () => {
        const target = unique('live');
        const source = unique('rebuilt');
        await store.applyBatch([
          { kind: 'upsert', collection: target, doc: { id: 't1' } },
          { kind: 'upsert', collection: target, doc: { id: 't2' } },
          { kind: 'upsert', collection: source, doc: { id: 's1', v: 1 } },
          { kind: 'upsert', collection: source, doc: { id: 's2', v: 2 } },
        ]);
        await store.replaceCollection(target, source);
        expect(await store.find(target, {}, { sort: { id: 1 } })).toEqual([{ id: 's1', v: 1 }, { id: 's2', v: 2 }]);
        expect(await store.get(target, 't1')).toBeNull();
        expect(await store.count(source)).toBe(0);
        expect(await store.find(source)).toEqual([]);
      });

      it('empties the target when the source has no documents', async () => {
        const target = unique('live');
        await store.upsert(target, { id: 't1' });
        await store.replaceCollection(target, unique('never'));
        expect(await store.count(target)).toBe(0);
      });

      it("gives the target the source's unique indexes", async () => {
        const target = unique('live');
        const source = unique('rebuilt');
        await store.ensureIndex(source, { keys: { email: 1 }, unique: true });
        await store.upsert(source, { id: 'a', email: 'x@example.org' });
        await store.replaceCollection(target, source);
        await expect(store.upsert(target, { id: 'b', email: 'x@example.org' })).rejects.toThrow();
      });

      it('drops a collection', async () => {
        const jobs = unique('jobs');
        await store.upsert(jobs, { id: 'j1' });
        await store.dropCollection(jobs);
        expect(await store.count(jobs)).toBe(0);
        expect(await store.get(jobs, 'j1')).toBeNull();
        expect(await store.upsert(jobs, { id: 'j2' })).toBe('applied');
        expect(await store.count(jobs)).toBe(1);
      });
    });

    describe('watch', () => {
      it('delivers the applied writes committed after it started, in order, for its collection only', async () => {
        const jobs = unique('watched');
        const other = unique('unwatched');
        await store.upsert(jobs, { id: 'before' });
        const changes = watchOf(jobs);
        await store.upsert(other, { id: 'elsewhere' });
        await store.upsert(jobs, { id: 'j1', v: 1 });
        await store.upsert(jobs, { id: 'j1', v: 2, _position: 5 }, { position: 5 });
        await store.upsert(jobs, { id: 'j1', v: 'stale', _position: 4 }, { position: 4 });
        await store.delete(jobs, 'j1');
        await store.applyBatch([
          { kind: 'upsert', collection: jobs, doc: { id: 'j2' } },
          { kind: 'upsert', collection: other, doc: { id: 'elsewhere', v: 2 } },
          { kind: 'delete', collection: jobs, id: 'before' },
        ]);
        expect(await changes.take(5)).toEqual([
          { operation: 'upsert', collection: jobs, id: 'j1', doc: { id: 'j1', v: 1 } },
          { operation: 'upsert', collection: jobs, id: 'j1', doc: { id: 'j1', v: 2, _position: 5 } },
          { operation: 'delete', collection: jobs, id: 'j1' },
          { operation: 'upsert', collection: jobs, id: 'j2', doc: { id: 'j2' } },
          { operation: 'delete', collection: jobs, id: 'before' },
        ]);
      });

      it('hands out a copy of the changed document', async () => {
        const jobs = unique('watched');
        const changes = watchOf(jobs);
        await store.upsert(jobs, { id: 'j1', spec: { steps: 30 } });
        const [change] = await changes.take(1);
        if (change.operation !== 'upsert') throw new Error(`expected an upsert, got ${change.operation}`);
        (change.doc as Job).spec.steps = 1;
        expect(await store.get(jobs, 'j1')).toEqual({ id: 'j1', spec: { steps: 30 } });
      });

      it('signals a reset to watchers of both collections when one replaces the other', async () => {
        const target = unique('live');
        const source = unique('rebuilt');
        await store.upsert(target, { id: 'old' });
        const onTarget = watchOf(target);
        const onSource = watchOf(source);
        await store.upsert(source, { id: 'new' });
        await store.replaceCollection(target, source);
        expect(await onSource.take(2)).toEqual([
          { operation: 'upsert', collection: source, id: 'new', doc: { id: 'new' } },
          { operation: 'reset', collection: source },
        ]);
        expect(await onTarget.take(1)).toEqual([{ operation: 'reset', collection: target }]);
      });

      it('signals a reset when its collection is dropped', async () => {
        const jobs = unique('watched');
        await store.upsert(jobs, { id: 'j1' });
        const changes = watchOf(jobs);
        await store.dropCollection(jobs);
        expect(await changes.take(1)).toEqual([{ operation: 'reset', collection: jobs }]);
      });

      it('ends a waiting for-await loop when the watch is closed', async () => {
        const jobs = unique('watched');
        const watch = store.watch(jobs);
        watches.push(watch);
        const seen: string[] = [];
        let tookFirst!: () => void;
        const first = new Promise<void>((resolve) => (tookFirst = resolve));
        const loop = (async () => {
          for await (const change of watch) {
            seen.push(change.operation);
            tookFirst();
          }
        })();
        await store.upsert(jobs, { id: 'j1' });
        await within(first, 'the first change');
        await watch.close();
        await within(loop, 'the loop to end after close()');
        expect(seen).toEqual(['upsert']);
      });

      it('is released by breaking out of for-await', async () => {
        const jobs = unique('watched');
        const watch = store.watch(jobs);
        watches.push(watch);
        await store.upsert(jobs, { id: 'j1' });
        await store.upsert(jobs, { id: 'j2' });
        const seen: string[] = [];
        await within(
          (async () => {
            for await (const change of watch) {
              if (change.operation !== 'reset') seen.push(change.id);
              break;
            }
          })(),
          'the first change',
        );
        expect(seen).toEqual(['j1']);
        expect(await within(watch[Symbol.asyncIterator]().next(), 'the released watch to report done')).toEqual({
          done: true,
          value: undefined,
        });
      });

      it('ends every watch when the store closes', async () => {
        const other = await open();
        try {
          const changes = watchOf(unique('watched'), other.store);
          const pending = changes.next();
          await other.store.close();
          expect(await pending).toEqual({ done: true, value: undefined });
        } finally {
          await other.close();
        }
      });
    });

    it('answers a ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

interface Job extends Doc {
  spec: { steps: number };
  tags: string[];
}

const SAMPLE_JOBS: Doc[] = [
  {
    id: 'j1',
    status: 'queued',
    priority: 50,
    name: 'Alpha render',
    tags: ['gpu', 'fast'],
    spec: { model: 'edge', steps: 30 },
    attempts: [{ node: 'n1', ok: false }],
  },
  {
    id: 'j2',
    status: 'running',
    priority: 80,
    name: 'beta upscale',
    tags: ['gpu'],
    spec: { model: 'depth', steps: 50 },
    attempts: [
      { node: 'n1', ok: false },
      { node: 'n2', ok: true },
    ],
  },
  { id: 'j3', status: 'queued', priority: 80, name: 'ALPHA retry', tags: ['cpu'], spec: { model: 'edge', steps: 10 }, attempts: [] },
  {
    id: 'j4',
    status: 'finished',
    priority: 10,
    name: 'gamma',
    tags: [],
    spec: { model: 'seg', steps: 30 },
    attempts: [{ node: 'n2', ok: false }],
  },
  {
    id: 'j5',
    status: 'queued',
    priority: 20,
    name: 'delta alpha',
    tags: ['fast'],
    spec: { model: 'depth', steps: 20 },
    attempts: [{ node: 'n2', ok: true }],
  },
];

/** Fails fast instead of hanging when an awaited change or ending never comes. */
async function within<T>(promise: Promise<T>, what: string, ms = WATCH_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
