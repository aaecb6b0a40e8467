import type { Doc } from '../document-store.port.js';

/** A write would give two documents of a collection the same values for a unique index's fields. */
export class UniqueIndexViolation extends Error {
  constructor(
    readonly collection: string,
    readonly fields: readonly string[],
    readonly id: string,
    readonly conflictingId: string,
  ) {
    super(
      `${collection}: document ${id} has the same (${fields.join(', ')}) as ${conflictingId}, ` +
        'which a unique index forbids',
    );
    this.name = 'UniqueIndexViolation';
  }
}

/**
 * The committed key → id map of one unique index, so a write is checked without scanning the
 * collection. Keys follow MongoDB's rule that a missing field indexes as null (two documents both
 * missing it collide); unlike MongoDB an array value is one key, not one key per element.
 */
export class UniqueIndex {
  private readonly owners = new Map<string, string>();

  /** Throws `UniqueIndexViolation` if the committed documents already break it, as MongoDB does. */
  constructor(collection: string, readonly fields: readonly string[], committed: Iterable<Doc>) {
    for (const doc of committed) {
      const key = this.keyOf(doc);
      const owner = this.owners.get(key);
      if (owner !== undefined) throw new UniqueIndexViolation(collection, fields, doc.id, owner);
      this.owners.set(key, doc.id);
    }
  }

  covers(fields: readonly string[]): boolean {
    return fields.length === this.fields.length && fields.every((field, i) => field === this.fields[i]);
  }

  keyOf(doc: Doc): string {
    return JSON.stringify(this.fields.map((field) => valueAt(doc, field) ?? null));
  }

  /** The id that holds `key` in the committed state, if any. */
  ownerOf(key: string): string | undefined {
    return this.owners.get(key);
  }

  /** Follows a committed write: `before`/`after` are the document's committed versions (absent: null). */
  track(before: Doc | null, after: Doc | null): void {
    if (before) {
      const key = this.keyOf(before);
      if (this.owners.get(key) === before.id) this.owners.delete(key);
    }
    if (after) this.owners.set(this.keyOf(after), after.id);
  }
}

function valueAt(doc: Doc, path: string): unknown {
  let value: unknown = doc;
  for (const part of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
