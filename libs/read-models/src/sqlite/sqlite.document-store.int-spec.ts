import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDocumentStoreContract } from '../../../testing/src/index.js';
import { openSqlite, type SqliteDatabase } from '../../../eventstore/src/index.js';
import type { DocumentChange } from '../document-store.port.js';
import { SqliteDocumentStore } from './sqlite.document-store.js';
import { UniqueIndexViolation } from './unique-index.js';

describeDocumentStoreContract('sqlite in memory', async () => {
  const db = openSqlite(':memory:');
  const store = new SqliteDocumentStore(db);
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
    },
  };
});

describeDocumentStoreContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'document-store-'));
  const db = openSqlite(join(dir, 'cosmos.db'));
  const store = new SqliteDocumentStore(db);
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('SqliteDocumentStore', () => {
  let dir: string;
  let path: string;
  const handles: SqliteDatabase[] = [];
  const openStore = () => {
    const db = openSqlite(path);
    handles.push(db);
    return { db, store: new SqliteDocumentStore(db) };
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'document-store-'));
    path = join(dir, 'cosmos.db');
  });
  afterEach(() => {
    for (const db of handles.splice(0)) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a batch that fails', () => {
    it('writes nothing, keeps the checkpoint and tells no watcher when a unique index breaks mid-batch', async () => {
      const { store } = openStore();
      await store.ensureIndex('users', { keys: { email: 1 }, unique: true });
      await store.applyBatch([{ kind: 'upsert', collection: 'users', doc: { id: 'a', email: 'x@example.org' } }], {
        name: 'users-projection',
        position: 5,
      });
      const onUsers = store.watch('users');

      const failing = store.applyBatch(
        [
          { kind: 'upsert', collection: 'audit', doc: { id: 'e1' } },
          { kind: 'upsert', collection: 'users', doc: { id: 'b', email: 'y@example.org' } },
          { kind: 'delete', collection: 'users', id: 'a' },
          { kind: 'upsert', collection: 'users', doc: { id: 'c', email: 'y@example.org' } },
        ],
        { name: 'users-projection', position: 9 },
      );
      await expect(failing).rejects.toThrow(UniqueIndexViolation);

      expect(await store.find('users')).toEqual([{ id: 'a', email: 'x@example.org' }]);
      expect(await store.get('audit', 'e1')).toBeNull();
      expect(await store.getCheckpoint('users-projection')).toBe(5);
      // What SQLite holds, not just the cache: a second store on the file reads the rows afresh.
      const { store: reread } = openStore();
      expect(await reread.find('users')).toEqual([{ id: 'a', email: 'x@example.org' }]);
      expect(await reread.count('audit')).toBe(0);

      await store.upsert('users', { id: 'd', email: 'z@example.org' });
      const first = await onUsers[Symbol.asyncIterator]().next();
      expect(first.value).toEqual<DocumentChange>({
        operation: 'upsert',
        collection: 'users',
        id: 'd',
        doc: { id: 'd', email: 'z@example.org' },
      });
      await onUsers.close();
    });

    it('writes nothing when a document cannot be stored as JSON', async () => {
      const { store } = openStore();
      const failing = store.applyBatch(
        [
          { kind: 'upsert', collection: 'jobs', doc: { id: 'j1' } },
          { kind: 'upsert', collection: 'jobs', doc: { id: 'j2', size: 1n } },
        ],
        { name: 'jobs-projection', position: 1 },
      );
      await expect(failing).rejects.toThrow(TypeError);
      expect(await store.count('jobs')).toBe(0);
      expect(await store.getCheckpoint('jobs-projection')).toBeNull();
    });
  });

  it('refuses to write inside a transaction someone else opened, since the cache could not follow its rollback', async () => {
    const { db, store } = openStore();
    db.exec('BEGIN');
    try {
      await expect(store.upsert('jobs', { id: 'j1' })).rejects.toThrow(/open transaction/);
    } finally {
      db.exec('ROLLBACK');
    }
    expect(await store.upsert('jobs', { id: 'j1' })).toBe('applied');
  });

  it('shows a new store on the same file the documents, replacements and checkpoints of an earlier one', async () => {
    const earlier = openStore();
    await earlier.store.applyBatch(
      [
        { kind: 'upsert', collection: 'jobs', doc: { id: 'j1', status: 'queued', spec: { steps: 30 }, _position: 1 } },
        { kind: 'upsert', collection: 'jobs', doc: { id: 'j2', status: 'running', _position: 2 } },
        { kind: 'upsert', collection: 'jobs_rebuild', doc: { id: 'j3', status: 'finished', _position: 3 } },
        { kind: 'upsert', collection: 'nodes', doc: { id: 'n1' } },
        { kind: 'delete', collection: 'nodes', id: 'n1' },
      ],
      { name: 'jobs-projection', position: 3 },
    );
    await earlier.store.replaceCollection('live_jobs', 'jobs_rebuild');
    await earlier.store.close();
    earlier.db.close();
    handles.splice(handles.indexOf(earlier.db), 1);

    const { store } = openStore();
    expect(await store.find('jobs', { 'spec.steps': { $gte: 30 } })).toEqual([
      { id: 'j1', status: 'queued', spec: { steps: 30 }, _position: 1 },
    ]);
    expect(await store.upsert('jobs', { id: 'j2', status: 'stale', _position: 2 }, { position: 2 })).toBe('skipped');
    expect(await store.find('live_jobs')).toEqual([{ id: 'j3', status: 'finished', _position: 3 }]);
    expect(await store.count('jobs_rebuild')).toBe(0);
    expect(await store.count('nodes')).toBe(0);
    expect(await store.getCheckpoint('jobs-projection')).toBe(3);
  });
});
