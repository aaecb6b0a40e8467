import type { Doc, WriteGuard, WriteOp } from '../document-store.port.js';

/**
 * Whether a write moves the stored document forward (see `WriteGuard`). A stored document without
 * `_position` (or with null) counts as older than any position, as in the MongoDB adapter's filter.
 * Deleting a document that is not there is never applied: there is nothing to move forward.
 */
export function guardAllows(kind: WriteOp['kind'], stored: Doc | null, guard: WriteGuard | undefined): boolean {
  if (kind === 'delete' && stored === null) return false;
  if (guard === undefined) return true;
  if ('position' in guard) {
    const position = stored?._position;
    return position === undefined || position === null || (typeof position === 'number' && position < guard.position);
  }
  return (stored?._revision ?? 0) === guard.revision - 1;
}
