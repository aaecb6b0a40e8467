import { isDeepStrictEqual } from 'node:util';
import type { Doc, DocumentStore } from '../../../../libs/read-models/src/index.js';

export interface DocumentDifference {
  readonly id: string;
  /** Set when the document exists in one collection only. */
  readonly onlyIn: 'live' | 'rebuilt' | null;
  /** Top-level fields whose values differ (when both have the document). */
  readonly fields: readonly string[];
}

export interface CollectionDiff {
  /** Distinct document ids seen in either collection. */
  readonly compared: number;
  readonly differences: readonly DocumentDifference[];
}

const PAGE_SIZE = 500;

/**
 * Compares two collections document by document, whole documents including the `_position` and
 * `_revision` stamps: a rebuild must reproduce live processing exactly. Reads a page of `live` at
 * a time and looks it up in `rebuilt`, so memory holds pages and ids, never a whole collection.
 */
export async function diffCollections(store: DocumentStore, live: string, rebuilt: string): Promise<CollectionDiff> {
  const differences: DocumentDifference[] = [];
  const liveIds = new Set<string>();
  for await (const page of pagesById(store, live)) {
    const counterparts = new Map((await store.find(rebuilt, { id: { $in: page.map((doc) => doc.id) } })).map((doc) => [doc.id, doc]));
    for (const doc of page) {
      liveIds.add(doc.id);
      const other = counterparts.get(doc.id);
      if (!other) differences.push({ id: doc.id, onlyIn: 'live', fields: [] });
      else if (!isDeepStrictEqual(doc, other)) differences.push({ id: doc.id, onlyIn: null, fields: differingFields(doc, other) });
    }
  }
  let compared = liveIds.size;
  for await (const page of pagesById(store, rebuilt)) {
    for (const doc of page) {
      if (liveIds.has(doc.id)) continue;
      compared++;
      differences.push({ id: doc.id, onlyIn: 'rebuilt', fields: [] });
    }
  }
  return { compared, differences };
}

/** Keyset pages in id order, so concurrent writes never shift a page. */
async function* pagesById(store: DocumentStore, collection: string): AsyncGenerator<Doc[]> {
  for (let after: string | null = null; ; ) {
    const page: Doc[] = await store.find(collection, after === null ? {} : { id: { $gt: after } }, { sort: { id: 1 }, limit: PAGE_SIZE });
    if (page.length > 0) yield page;
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1].id;
  }
}

function differingFields(a: Doc, b: Doc): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].filter((field) => !isDeepStrictEqual(a[field], b[field])).sort();
}
