import { Query } from 'mingo/query';
import type { Options as MingoOptions } from 'mingo/types';
import { type Clock, type SqliteDatabase, systemClock } from '../../../eventstore/src/index.js';
import type {
  Checkpoint,
  Doc,
  DocumentChange,
  DocumentStore,
  DocumentWatch,
  Filter,
  FindOptions,
  IndexSpec,
  WriteGuard,
  WriteOp,
  WriteOutcome,
} from '../document-store.port.js';
import { type DocumentTables, prepareDocumentTables } from './document-tables.js';
import { MINGO_CONTEXT } from './mingo-context.js';
import { UniqueIndex, UniqueIndexViolation } from './unique-index.js';
import { WatchQueue } from './watch-queue.js';
import { guardAllows } from './write-guard.js';

/** `$where` and friends would run arbitrary JS; MongoDB's `id` is our `id`, not `_id`. */
const MINGO_OPTIONS: Partial<MingoOptions> = { idKey: 'id', scriptEnabled: false, context: MINGO_CONTEXT };

/** A write that committed: the document's new version, or null when it was deleted. */
interface CommittedWrite {
  readonly collection: string;
  readonly id: string;
  readonly doc: Doc | null;
}

type Staged = Map<string, Map<string, Doc | null>>;

/**
 * The embedded mode's read models: rows in the shared SQLite file for durability, and an in-memory
 * copy of each collection (loaded on first use) that answers every query with mingo. The cache is
 * only ever changed after a transaction commits, so a rolled-back batch leaves no trace in it.
 *
 * Use one store per database handle: the cache assumes it sees every write to `documents`.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly sql: DocumentTables;
  private readonly cache = new Map<string, Map<string, Doc>>();
  private readonly uniqueIndexes = new Map<string, UniqueIndex[]>();
  private readonly watchers = new Map<string, Set<WatchQueue>>();
  private closed = false;
  private readonly writeBatch: (ops: readonly WriteOp[], checkpoint?: Checkpoint) => {
    outcomes: WriteOutcome[];
    writes: CommittedWrite[];
  };
  private readonly swapCollections: (target: string, source: string) => void;

  /** `db` stays open after `close()`: it belongs to whoever opened it (it is shared with the event store). */
  constructor(
    private readonly db: SqliteDatabase,
    private readonly clock: Clock = systemClock,
  ) {
    this.sql = prepareDocumentTables(db);
    this.writeBatch = db.transaction((ops: readonly WriteOp[], checkpoint?: Checkpoint) => this.write(ops, checkpoint));
    this.swapCollections = db.transaction((target: string, source: string) => {
      this.sql.deleteCollection.run(target);
      this.sql.renameCollection.run(target, source);
    });
  }

  async get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    const doc = this.docs(collection).get(id);
    return doc ? (structuredClone(doc) as T) : null;
  }

  async find<T extends Doc = Doc>(collection: string, filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    let cursor = new Query(filter, MINGO_OPTIONS).find(this.docs(collection).values());
    if (options.sort) cursor = cursor.sort(options.sort);
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    return cursor.all().map((doc) => structuredClone(doc) as T);
  }

  async count(collection: string, filter: Filter = {}): Promise<number> {
    const docs = this.docs(collection);
    if (Object.keys(filter).length === 0) return docs.size;
    const query = new Query(filter, MINGO_OPTIONS);
    let matches = 0;
    for (const doc of docs.values()) if (query.test(doc)) matches++;
    return matches;
  }

  async upsert(collection: string, doc: Doc, guard?: WriteGuard): Promise<WriteOutcome> {
    const [outcome] = await this.applyBatch([{ kind: 'upsert', collection, doc, guard }]);
    return outcome;
  }

  async delete(collection: string, id: string, guard?: WriteGuard): Promise<WriteOutcome> {
    const [outcome] = await this.applyBatch([{ kind: 'delete', collection, id, guard }]);
    return outcome;
  }

  async applyBatch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<WriteOutcome[]> {
    this.assertNoOuterTransaction();
    // Load every collection involved before writing, so a load never reads this batch's own rows.
    for (const op of ops) this.docs(op.collection);
    const { outcomes, writes } = this.writeBatch(ops, checkpoint);
    for (const write of writes) this.publish(write);
    return outcomes;
  }

  async getCheckpoint(name: string): Promise<number | null> {
    return this.sql.selectCheckpoint.get(name)?.position ?? null;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.sql.deleteCheckpoint.run(name);
  }

  /**
   * Only uniqueness needs enforcing here: queries scan the in-memory cache with mingo, so a SQLite
   * index over the JSON would never be used. The registry lives in memory, like the cache; the
   * projections ensure their indexes at start-up, before they write.
   */
  async ensureIndex(collection: string, index: IndexSpec): Promise<void> {
    if (!index.unique) return;
    const fields = Object.keys(index.keys);
    const indexes = this.uniqueIndexes.get(collection) ?? [];
    if (indexes.some((existing) => existing.covers(fields))) return;
    indexes.push(new UniqueIndex(collection, fields, this.docs(collection).values()));
    this.uniqueIndexes.set(collection, indexes);
  }

  /** Like MongoDB's rename with `dropTarget`, `target` ends up with `source`'s unique indexes too. */
  async replaceCollection(target: string, source: string): Promise<void> {
    if (target === source) throw new Error(`replaceCollection needs two collections, got ${target} twice`);
    this.assertNoOuterTransaction();
    const sourceDocs = this.docs(source);
    this.swapCollections(target, source);
    this.cache.set(target, sourceDocs);
    this.cache.set(source, new Map());
    const sourceIndexes = this.uniqueIndexes.get(source);
    this.uniqueIndexes.delete(source);
    if (sourceIndexes) this.uniqueIndexes.set(target, sourceIndexes);
    else this.uniqueIndexes.delete(target);
    this.emit({ operation: 'reset', collection: target });
    this.emit({ operation: 'reset', collection: source });
  }

  async dropCollection(collection: string): Promise<void> {
    this.assertNoOuterTransaction();
    this.sql.deleteCollection.run(collection);
    this.cache.set(collection, new Map());
    this.uniqueIndexes.delete(collection);
    this.emit({ operation: 'reset', collection });
  }

  /** `T` is the caller's word for the collection's shape, as with `get<T>`. */
  watch<T extends Doc = Doc>(collection: string): DocumentWatch<T> {
    const watchers = this.watchers.get(collection) ?? new Set<WatchQueue>();
    const watch = new WatchQueue(() => {
      watchers.delete(watch);
      if (watchers.size === 0 && this.watchers.get(collection) === watchers) this.watchers.delete(collection);
    });
    if (this.closed) void watch.close();
    else this.watchers.set(collection, watchers.add(watch));
    return watch as DocumentWatch<T>;
  }

  /** Watches open now, over every collection: lets a test tell that a subscription has started listening. */
  get openWatches(): number {
    let open = 0;
    for (const watchers of this.watchers.values()) open += watchers.size;
    return open;
  }

  async ping(): Promise<void> {
    this.sql.ping.get();
  }

  async close(): Promise<void> {
    this.closed = true;
    const watches = [...this.watchers.values()].flatMap((watchers) => [...watchers]);
    await Promise.all(watches.map((watch) => watch.close()));
  }

  /** Runs inside the transaction: guards see the committed cache overlaid with this batch's writes. */
  private write(ops: readonly WriteOp[], checkpoint?: Checkpoint) {
    const staged: Staged = new Map();
    const current = (collection: string, id: string): Doc | null => {
      const batchVersion = staged.get(collection)?.get(id);
      return batchVersion !== undefined ? batchVersion : (this.docs(collection).get(id) ?? null);
    };
    const outcomes: WriteOutcome[] = [];
    const writes: CommittedWrite[] = [];
    for (const op of ops) {
      const id = op.kind === 'upsert' ? op.doc.id : op.id;
      if (typeof id !== 'string' || id === '') throw new TypeError(`${op.collection}: a document needs a string id`);
      if (!guardAllows(op.kind, current(op.collection, id), op.guard)) {
        outcomes.push('skipped');
        continue;
      }
      const batchDocs = staged.get(op.collection) ?? new Map<string, Doc | null>();
      staged.set(op.collection, batchDocs);
      let doc: Doc | null = null;
      if (op.kind === 'upsert') {
        const json = JSON.stringify(op.doc);
        // The cache holds exactly what a reload would parse from the row (no undefined, Dates as strings).
        doc = JSON.parse(json) as Doc;
        this.assertUnique(op.collection, doc, batchDocs, current);
        this.sql.upsertDocument.run(op.collection, id, json);
      } else {
        this.sql.deleteDocument.run(op.collection, id);
      }
      batchDocs.set(id, doc);
      writes.push({ collection: op.collection, id, doc });
      outcomes.push('applied');
    }
    if (checkpoint) this.sql.upsertCheckpoint.run(checkpoint.name, checkpoint.position, this.clock.now().toISOString());
    return { outcomes, writes };
  }

  private assertUnique(
    collection: string,
    doc: Doc,
    batchDocs: Map<string, Doc | null>,
    current: (collection: string, id: string) => Doc | null,
  ): void {
    for (const index of this.uniqueIndexes.get(collection) ?? []) {
      const key = index.keyOf(doc);
      const owner = index.ownerOf(key);
      const ownerDoc = owner !== undefined && owner !== doc.id ? current(collection, owner) : null;
      if (owner !== undefined && ownerDoc && index.keyOf(ownerDoc) === key) {
        throw new UniqueIndexViolation(collection, index.fields, doc.id, owner);
      }
      for (const [otherId, other] of batchDocs) {
        if (otherId !== doc.id && other && index.keyOf(other) === key) {
          throw new UniqueIndexViolation(collection, index.fields, doc.id, otherId);
        }
      }
    }
  }

  /** After commit: bring the cache and unique indexes up to date, then tell the watchers. */
  private publish({ collection, id, doc }: CommittedWrite): void {
    const docs = this.docs(collection);
    const before = docs.get(id) ?? null;
    if (doc) docs.set(id, doc);
    else docs.delete(id);
    for (const index of this.uniqueIndexes.get(collection) ?? []) index.track(before, doc);
    this.emit(doc ? { operation: 'upsert', collection, id, doc } : { operation: 'delete', collection, id });
  }

  private emit(change: DocumentChange): void {
    for (const watch of this.watchers.get(change.collection) ?? []) {
      watch.push(change.operation === 'upsert' ? { ...change, doc: structuredClone(change.doc) } : change);
    }
  }

  private docs(collection: string): Map<string, Doc> {
    let docs = this.cache.get(collection);
    if (!docs) {
      docs = new Map();
      for (const row of this.sql.selectCollection.iterate(collection)) docs.set(row.id, JSON.parse(row.doc) as Doc);
      this.cache.set(collection, docs);
    }
    return docs;
  }

  /**
   * Inside someone else's transaction ours would only be a savepoint: the outer one could still roll
   * back after the cache had moved on.
   */
  private assertNoOuterTransaction(): void {
    if (this.db.inTransaction) throw new Error('SqliteDocumentStore writes cannot run inside an open transaction');
  }
}
