import {
  type ChangeStream,
  type ChangeStreamDocument,
  type Collection,
  type Db,
  type Filter as MongoFilter,
  MongoClient,
  MongoServerError,
  type ResumeToken,
} from 'mongodb';
import { assertNever } from '../../../domain/src/index.js';
import { type Clock, systemClock } from '../../../eventstore/src/index.js';
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

/** A document as MongoDB holds it: our `id` doubles as `_id`, which never leaves this file. */
interface StoredDoc {
  _id: string;
  [field: string]: unknown;
}

interface StoredCheckpoint {
  _id: string;
  position: number;
  updatedAt: string;
}

const WITHOUT_MONGO_ID = { projection: { _id: 0 } } as const;
const DUPLICATE_KEY = 11000;
const NAMESPACE_NOT_FOUND = 26;

/**
 * The distributed mode's read models, one MongoDB collection per read model. Writes are guarded
 * filters, so each is idempotent on its own and a batch needs no transaction (see `applyBatch`).
 */
export class MongoDocumentStore implements DocumentStore {
  private readonly db: Db;
  private readonly watches = new Set<MongoDocumentWatch>();
  /** Change streams whose aggregate has not reached the server yet; our writes wait for them. */
  private readonly openingWatches = new Set<Promise<void>>();
  private ownsClient = false;

  constructor(
    private readonly client: MongoClient,
    dbName: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.db = client.db(dbName);
  }

  /** Connects a client of its own, which `close()` then closes too. */
  static async connect(uri: string, dbName: string, clock: Clock = systemClock): Promise<MongoDocumentStore> {
    const client = await new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 }).connect();
    const store = new MongoDocumentStore(client, dbName, clock);
    store.ownsClient = true;
    return store;
  }

  async get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null> {
    return (await this.documents(collection).findOne({ _id: id }, WITHOUT_MONGO_ID)) as T | null;
  }

  async find<T extends Doc = Doc>(collection: string, filter: Filter = {}, options: FindOptions = {}): Promise<T[]> {
    const cursor = this.documents(collection).find(filter as MongoFilter<StoredDoc>, {
      ...WITHOUT_MONGO_ID,
      ...(options.sort && { sort: options.sort }),
      ...(options.skip && { skip: options.skip }),
      ...(options.limit && { limit: options.limit }),
    });
    return (await cursor.toArray()) as unknown as T[];
  }

  async count(collection: string, filter: Filter = {}): Promise<number> {
    return this.documents(collection).countDocuments(filter as MongoFilter<StoredDoc>);
  }

  async upsert(collection: string, doc: Doc, guard?: WriteGuard): Promise<WriteOutcome> {
    await this.untilWatchesOpen();
    return this.write({ kind: 'upsert', collection, doc, guard });
  }

  async delete(collection: string, id: string, guard?: WriteGuard): Promise<WriteOutcome> {
    await this.untilWatchesOpen();
    return this.write({ kind: 'delete', collection, id, guard });
  }

  /**
   * No transaction: every write is guarded, so after a crash between writes (or before the
   * checkpoint) the replayed batch skips what already landed and applies the rest. The checkpoint
   * goes last, so it never runs ahead of the documents.
   */
  async applyBatch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<WriteOutcome[]> {
    await this.untilWatchesOpen();
    const outcomes: WriteOutcome[] = [];
    for (const op of ops) outcomes.push(await this.write(op));
    if (checkpoint) {
      await this.checkpoints().updateOne(
        { _id: checkpoint.name },
        { $set: { position: checkpoint.position, updatedAt: this.clock.now().toISOString() } },
        { upsert: true },
      );
    }
    return outcomes;
  }

  async getCheckpoint(name: string): Promise<number | null> {
    return (await this.checkpoints().findOne({ _id: name }))?.position ?? null;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    await this.checkpoints().deleteOne({ _id: name });
  }

  async ensureIndex(collection: string, index: IndexSpec): Promise<void> {
    await this.documents(collection).createIndex(index.keys, { unique: index.unique ?? false });
  }

  /** A rename is atomic; the target takes the source's indexes with its documents. */
  async replaceCollection(target: string, source: string): Promise<void> {
    try {
      await this.documents(source).rename(target, { dropTarget: true });
    } catch (error) {
      if (!(error instanceof MongoServerError && error.code === NAMESPACE_NOT_FOUND)) throw error;
      await this.dropCollection(target);
    }
  }

  async dropCollection(collection: string): Promise<void> {
    await this.documents(collection).drop();
  }

  watch<T extends Doc = Doc>(collection: string): DocumentWatch<T> {
    const watch = new MongoDocumentWatch(this.db, collection, () => this.watches.delete(watch));
    this.watches.add(watch);
    this.openingWatches.add(watch.opened);
    void watch.opened.then(() => this.openingWatches.delete(watch.opened));
    // `T` is the caller's word for the collection's shape, as with `get<T>`.
    return watch as DocumentWatch as DocumentWatch<T>;
  }

  async ping(): Promise<void> {
    await this.db.command({ ping: 1 });
  }

  async close(): Promise<void> {
    await Promise.all([...this.watches].map((watch) => watch.close()));
    if (this.ownsClient) await this.client.close();
  }

  private async write(op: WriteOp): Promise<WriteOutcome> {
    const guardFilter = op.guard ? filterFor(op.guard) : {};
    switch (op.kind) {
      case 'upsert': {
        const { collection, doc, guard } = op;
        // A revision guard above 1 needs the document there already; every other write may create it.
        const upsert = guard === undefined || !('revision' in guard) || guard.revision === 1;
        try {
          const result = await this.documents(collection).replaceOne({ _id: doc.id, ...guardFilter }, doc, { upsert });
          return result.matchedCount + result.upsertedCount > 0 ? 'applied' : 'skipped';
        } catch (error) {
          // The guard filter missed an existing document, so the upsert tried to insert its _id again.
          if (isDuplicateId(error)) return 'skipped';
          throw error;
        }
      }
      case 'delete': {
        const result = await this.documents(op.collection).deleteOne({ _id: op.id, ...guardFilter });
        return result.deletedCount > 0 ? 'applied' : 'skipped';
      }
      default:
        return assertNever(op);
    }
  }

  /** Makes "changes after `watch` was called" hold for this store's own writes. */
  private async untilWatchesOpen(): Promise<void> {
    if (this.openingWatches.size > 0) await Promise.all(this.openingWatches);
  }

  private documents(collection: string): Collection<StoredDoc> {
    return this.db.collection<StoredDoc>(collection);
  }

  /** Underscored so no read model can ever be named like it. */
  private checkpoints(): Collection<StoredCheckpoint> {
    return this.db.collection<StoredCheckpoint>('_checkpoints');
  }
}

/** The stored-document conditions under which a guarded write moves it forward (see `WriteGuard`). */
function filterFor(guard: WriteGuard): MongoFilter<StoredDoc> {
  // `null` also matches a missing field: a document never stamped counts as the oldest.
  if ('position' in guard) return { $or: [{ _position: { $lt: guard.position } }, { _position: null }] };
  if (guard.revision === 1) return { _revision: { $in: [0, null] } };
  return { _revision: guard.revision - 1 };
}

/** Only a clash on `_id` means "guard held"; a clash on a unique index of ours is a real error. */
function isDuplicateId(error: unknown): boolean {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return false;
  const keyPattern = error.keyPattern as Record<string, unknown> | undefined;
  return keyPattern ? Object.keys(keyPattern).join() === '_id' : / index: _id_ /.test(error.message);
}

/**
 * One database-level change stream narrowed to a collection. Database-level, because a collection
 * stream neither sees another collection renamed onto it nor survives its own drop or rename: here
 * those arrive as `drop`/`rename` events (mapped to `reset`) and the stream carries on. It is read
 * with `tryNext` from the moment it is created, so its aggregate is sent right away; never with
 * `.on('change')`, which would push changes at us with no back-pressure.
 */
class MongoDocumentWatch implements DocumentWatch {
  /** Settles once the server has accepted the stream (or it failed or was closed). */
  readonly opened: Promise<void>;
  private stream: ChangeStream<StoredDoc>;
  private pending: Promise<ChangeStreamDocument<StoredDoc> | null>;
  private closed = false;
  private markClosed!: () => void;
  private readonly closedSignal = new Promise<null>((resolve) => (this.markClosed = () => resolve(null)));
  private readonly changes: AsyncGenerator<DocumentChange, void, undefined>;

  constructor(
    private readonly db: Db,
    private readonly collection: string,
    private readonly onClose: () => void,
  ) {
    this.stream = this.open();
    // The aggregate's reply stores the first (post-batch) resume token; the stream is live from then.
    const accepted = new Promise<void>((resolve) => this.stream.once('resumeTokenChanged', () => resolve()));
    this.pending = this.fetch();
    const failed = this.pending.then(
      () => undefined,
      () => undefined,
    );
    this.opened = Promise.race([accepted, failed, this.closedSignal.then(() => undefined)]);
    this.changes = this.read();
  }

  [Symbol.asyncIterator](): AsyncIterator<DocumentChange> {
    return this.changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.markClosed();
    this.onClose();
    await this.stream.close();
  }

  private open(startAfter?: ResumeToken): ChangeStream<StoredDoc> {
    const pipeline = [
      {
        $match: {
          $or: [
            { 'ns.coll': this.collection },
            { 'to.coll': this.collection },
            { operationType: { $in: ['dropDatabase', 'invalidate'] } },
          ],
        },
      },
    ];
    const options = startAfter === undefined ? {} : { startAfter };
    return this.db.watch<StoredDoc>(pipeline, { fullDocument: 'updateLookup', ...options });
  }

  /** Asks for the next event ahead of the consumer; a failure surfaces when the consumer awaits it. */
  private fetch(): Promise<ChangeStreamDocument<StoredDoc> | null> {
    const next = this.stream.tryNext();
    next.catch(() => undefined);
    return next;
  }

  private async *read(): AsyncGenerator<DocumentChange, void, undefined> {
    try {
      while (!this.closed) {
        let event: ChangeStreamDocument<StoredDoc> | null;
        try {
          event = await Promise.race([this.pending, this.closedSignal]);
        } catch (error) {
          if (this.closed) return;
          throw error;
        }
        if (this.closed) return;
        if (event?.operationType === 'invalidate') {
          // Only a dropped database invalidates a database-level stream; start a new one after it.
          await this.stream.close();
          this.stream = this.open(event._id);
        }
        this.pending = this.fetch();
        const change = event && this.toDocumentChange(event);
        if (change) yield change;
      }
    } finally {
      await this.close();
    }
  }

  private toDocumentChange(event: ChangeStreamDocument<StoredDoc>): DocumentChange | null {
    const collection = this.collection;
    switch (event.operationType) {
      case 'insert':
      case 'update':
      case 'replace': {
        // An update's looked-up document is gone when a delete followed; that delete comes next.
        if (!event.fullDocument) return null;
        const { _id, ...doc } = event.fullDocument;
        return { operation: 'upsert', collection, id: _id, doc: doc as unknown as Doc };
      }
      case 'delete':
        return { operation: 'delete', collection, id: event.documentKey._id };
      case 'drop':
      case 'rename':
      case 'dropDatabase':
        return { operation: 'reset', collection };
      default:
        return null;
    }
  }
}
