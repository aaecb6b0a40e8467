import { InvalidInput } from '../../../domain/src/index.js';
import type { Doc, DocumentStore, Filter, Sort } from '../document-store.port.js';
import type { Page } from './catalog.types.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 200;

type KeyValue = string | number | null;

export interface SortField {
  readonly field: string;
  readonly direction: 1 | -1;
  readonly type: 'string' | 'number';
  /** Null sorts first ascending and last descending, as in MongoDB (and mingo). */
  readonly nullable?: boolean;
}

/** A total order: the last field is `id`, so no two documents share a key. */
export interface KeysetOrder {
  /** Written into cursors, so a cursor from another order is refused instead of misread. */
  readonly name: string;
  readonly fields: readonly SortField[];
}

export interface KeysetRequest {
  readonly first: number;
  /** The sort key of the last document already seen. */
  readonly after: readonly KeyValue[] | null;
}

/** Checks `first` and `after` up front, so a bad request never costs a query. */
export function keysetRequest(order: KeysetOrder, page: { readonly first?: number | null; readonly after?: string | null }): KeysetRequest {
  const first = page.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw new InvalidInput([{ field: 'first', problem: `must be a whole number from 1 to ${MAX_PAGE_SIZE} (got ${first})` }]);
  }
  return { first, after: page.after === null || page.after === undefined ? null : decodeCursor(order, page.after) };
}

/**
 * One page in `order` after `page.after`: keyset, not offset, so documents inserted or deleted before
 * the cursor never shift or repeat what the next page shows.
 */
export async function keysetPage<T extends Doc>(
  documents: DocumentStore,
  collection: string,
  filter: Filter,
  order: KeysetOrder,
  page: KeysetRequest,
): Promise<Page<T>> {
  const where = page.after === null ? filter : { $and: [filter, keysetAfter(order, page.after)] };
  const [docs, totalCount] = await Promise.all([
    documents.find<T>(collection, where, { sort: sortOf(order), limit: page.first + 1 }),
    documents.count(collection, filter),
  ]);
  const items = docs.slice(0, page.first).map((node) => ({ cursor: encodeCursor(order, node), node }));
  return { items, totalCount, hasNextPage: docs.length > page.first, endCursor: items.at(-1)?.cursor ?? null };
}

export function sortOf(order: KeysetOrder): Sort {
  return Object.fromEntries(order.fields.map(({ field, direction }) => [field, direction]));
}

export function encodeCursor(order: KeysetOrder, doc: Doc): string {
  const key = order.fields.map(({ field }) => (doc[field] ?? null) as KeyValue);
  return Buffer.from(JSON.stringify([order.name, ...key]), 'utf8').toString('base64url');
}

/** The sort key a cursor holds; anything that is not a cursor of this order is INVALID_INPUT on `after`. */
function decodeCursor(order: KeysetOrder, cursor: string): KeyValue[] {
  const invalid = () => new InvalidInput([{ field: 'after', problem: 'is not a cursor of this list; pass an endCursor it returned' }]);
  // Buffer's decoder skips characters outside the alphabet, so check the alphabet first.
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(decoded) || decoded.length !== order.fields.length + 1 || decoded[0] !== order.name) throw invalid();
  const key = decoded.slice(1) as unknown[];
  const fits = order.fields.every(({ type, nullable }, i) => {
    const value = key[i];
    if (value === null) return nullable === true;
    return type === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === 'string';
  });
  if (!fits) throw invalid();
  return key as KeyValue[];
}

/** Documents strictly after `key` in `order`: (a > x) or (a = x and b > y) or … */
function keysetAfter(order: KeysetOrder, key: readonly KeyValue[]): Filter {
  const branches: Filter[] = [];
  order.fields.forEach((field, i) => {
    const beyond = strictlyAfter(field, key[i]);
    if (beyond === null) return;
    const equalBefore = order.fields.slice(0, i).map((earlier, j) => ({ [earlier.field]: key[j] }));
    branches.push(equalBefore.length === 0 ? beyond : { $and: [...equalBefore, beyond] });
  });
  return { $or: branches };
}

/**
 * Comparison operators never match null in MongoDB, so nulls are named explicitly. Returns null
 * when nothing can follow `value` on this field (null, descending).
 */
function strictlyAfter({ field, direction, nullable }: SortField, value: KeyValue): Filter | null {
  if (value === null) return direction === 1 ? { [field]: { $ne: null } } : null;
  if (direction === 1) return { [field]: { $gt: value } };
  return nullable ? { $or: [{ [field]: { $lt: value } }, { [field]: null }] } : { [field]: { $lt: value } };
}
