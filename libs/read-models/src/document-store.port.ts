/**
 * Read models as the rest of the service sees them: collections of JSON documents queried with the
 * MongoDB query language. Two adapters implement it (SQLite + an in-memory mingo-queried cache for
 * the embedded mode, MongoDB for the distributed mode) and one contract suite holds them to the
 * same behaviour (`document-store.contract.ts`).
 *
 * Every document has a string `id`. Projections also stamp `_position` (global position of the last
 * event folded into it) and `_revision` (how many times it changed); guards use them so that
 * applying the same event twice changes nothing.
 */

export interface Doc {
  readonly id: string;
  readonly [field: string]: unknown;
}

/** A MongoDB query-language filter, e.g. `{ status: { $in: ['queued'] }, priority: { $gte: 50 } }`. */
export type Filter = Record<string, unknown>;
export type Sort = Record<string, 1 | -1>;

export interface FindOptions {
  readonly sort?: Sort;
  readonly skip?: number;
  readonly limit?: number;
}

/**
 * Applies the write only if it moves the document forward:
 * - `position`: the stored document is absent or has `_position` lower than this;
 * - `revision`: the stored document has `_revision` equal to `revision - 1` (absent counts as 0).
 */
export type WriteGuard = { readonly position: number } | { readonly revision: number };

export type WriteOp =
  | { readonly kind: 'upsert'; readonly collection: string; readonly doc: Doc; readonly guard?: WriteGuard }
  | { readonly kind: 'delete'; readonly collection: string; readonly id: string; readonly guard?: WriteGuard };

/** `skipped` means a guard held the write back (a duplicate or stale write), which is not an error. */
export type WriteOutcome = 'applied' | 'skipped';

export interface Checkpoint {
  readonly name: string;
  readonly position: number;
}

export interface IndexSpec {
  readonly keys: Record<string, 1 | -1>;
  readonly unique?: boolean;
}

export type DocumentChange<T extends Doc = Doc> =
  | { readonly operation: 'upsert'; readonly collection: string; readonly id: string; readonly doc: T }
  | { readonly operation: 'delete'; readonly collection: string; readonly id: string }
  /** The whole collection was replaced (a projection rebuild switched over): re-read what you need. */
  | { readonly operation: 'reset'; readonly collection: string };

/** Changes after the moment `watch` was called, in commit order. Ends when `close()` is called. */
export interface DocumentWatch<T extends Doc = Doc> extends AsyncIterable<DocumentChange<T>> {
  close(): Promise<void>;
}

export interface DocumentStore {
  get<T extends Doc = Doc>(collection: string, id: string): Promise<T | null>;
  find<T extends Doc = Doc>(collection: string, filter?: Filter, options?: FindOptions): Promise<T[]>;
  count(collection: string, filter?: Filter): Promise<number>;
  upsert(collection: string, doc: Doc, guard?: WriteGuard): Promise<WriteOutcome>;
  delete(collection: string, id: string, guard?: WriteGuard): Promise<WriteOutcome>;
  /**
   * Applies the writes in order and then records the checkpoint. SQLite does all of it in one
   * transaction; MongoDB applies the guarded writes (idempotent, so a crash before the checkpoint
   * only means they are skipped when replayed) and then the checkpoint.
   */
  applyBatch(ops: readonly WriteOp[], checkpoint?: Checkpoint): Promise<WriteOutcome[]>;
  getCheckpoint(name: string): Promise<number | null>;
  deleteCheckpoint(name: string): Promise<void>;
  ensureIndex(collection: string, index: IndexSpec): Promise<void>;
  /** Atomically makes `target` hold exactly the documents of `source`, and removes `source`. */
  replaceCollection(target: string, source: string): Promise<void>;
  dropCollection(collection: string): Promise<void>;
  watch<T extends Doc = Doc>(collection: string): DocumentWatch<T>;
  /** Cheap round trip used by readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DOCUMENT_STORE = Symbol('DOCUMENT_STORE');
