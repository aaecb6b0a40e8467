import type { RecordedEvent } from '../../../eventstore/src/event-store.port.js';
import type { Doc, DocumentStore, WriteOp } from '../document-store.port.js';
import type { Projection, ProjectedFields } from './projection.js';

type Stamped = Doc & ProjectedFields;

/**
 * Folds a batch of events into write operations and commits them with the checkpoint. Replaying
 * changes nothing: events at or below the checkpoint are skipped (which also keeps a deleted
 * document deleted), and documents already at or past an event's position are left alone (which
 * covers MongoDB, where documents may be written before a crash kept the checkpoint behind).
 */
export async function applyProjectionBatch(
  store: DocumentStore,
  projection: Projection,
  events: readonly RecordedEvent[],
  target: { collection: string; checkpoint: string },
): Promise<void> {
  const checkpoint = (await store.getCheckpoint(target.checkpoint)) ?? 0;
  events = events.filter((event) => event.position > checkpoint);
  if (events.length === 0) return;
  const working = new Map<string, Stamped | null>();
  const touched = new Map<string, number>();

  for (const event of events) {
    for (const id of projection.documentIds(event)) {
      const current = working.has(id) ? working.get(id)! : await store.get<Stamped>(target.collection, id);
      if (current && current._position >= event.position) continue;
      const next = projection.evolve(current, event);
      if (next === current) continue;
      working.set(
        id,
        next === null ? null : { ...next, id, _position: event.position, _revision: (current?._revision ?? 0) + 1 },
      );
      touched.set(id, event.position);
    }
  }

  const ops: WriteOp[] = [...touched].map(([id, position]) => {
    const doc = working.get(id);
    return doc
      ? { kind: 'upsert', collection: target.collection, doc, guard: { position } }
      : { kind: 'delete', collection: target.collection, id, guard: { position } };
  });
  const last = events[events.length - 1];
  await store.applyBatch(ops, last ? { name: target.checkpoint, position: last.position } : undefined);
}
