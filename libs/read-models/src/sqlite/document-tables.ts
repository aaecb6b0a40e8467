import type { SqliteDatabase } from '../../../eventstore/src/index.js';

/**
 * The read-model tables in the shared SQLite file. Documents are JSON text keyed by collection and
 * id; queries never hit SQL (they run on the in-memory cache), so no JSON indexes are needed.
 */
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS checkpoints (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
`;

export interface StoredDocumentRow {
  readonly id: string;
  readonly doc: string;
}

/** Creates the tables if needed and prepares every statement the store runs, once. */
export function prepareDocumentTables(db: SqliteDatabase) {
  db.exec(SCHEMA);
  return {
    selectCollection: db.prepare<[string], StoredDocumentRow>('SELECT id, doc FROM documents WHERE collection = ?'),
    upsertDocument: db.prepare<[string, string, string]>(
      'INSERT INTO documents (collection, id, doc) VALUES (?, ?, ?) ' +
        'ON CONFLICT (collection, id) DO UPDATE SET doc = excluded.doc',
    ),
    deleteDocument: db.prepare<[string, string]>('DELETE FROM documents WHERE collection = ? AND id = ?'),
    deleteCollection: db.prepare<[string]>('DELETE FROM documents WHERE collection = ?'),
    renameCollection: db.prepare<[string, string]>('UPDATE documents SET collection = ? WHERE collection = ?'),
    selectCheckpoint: db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?'),
    upsertCheckpoint: db.prepare<[string, number, string]>(
      'INSERT INTO checkpoints (name, position, updated_at) VALUES (?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at',
    ),
    deleteCheckpoint: db.prepare<[string]>('DELETE FROM checkpoints WHERE name = ?'),
    ping: db.prepare('SELECT 1'),
  };
}

export type DocumentTables = ReturnType<typeof prepareDocumentTables>;
