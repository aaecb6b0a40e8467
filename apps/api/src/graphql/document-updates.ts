import type { Doc, DocumentStore } from '../../../../libs/read-models/src/index.js';

/** One document's change as subscriptions publish it: the new document, or null once deleted. */
export interface DocumentUpdate<T extends Doc> {
  readonly id: string;
  readonly doc: T | null;
}

/**
 * The changes of a read-model collection (or of one document in it), each after its commit. A
 * `reset` (a rebuild switched over) names no document and is skipped; every document's next
 * change still arrives. The watch closes when the subscriber goes away.
 */
export async function* documentUpdates<T extends Doc>(documents: DocumentStore, collection: string, id?: string | null): AsyncGenerator<DocumentUpdate<T>> {
  const watch = documents.watch<T>(collection);
  try {
    for await (const change of watch) {
      if (change.operation === 'reset' || (id && change.id !== id)) continue;
      yield { id: change.id, doc: change.operation === 'upsert' ? change.doc : null };
    }
  } finally {
    await watch.close();
  }
}
