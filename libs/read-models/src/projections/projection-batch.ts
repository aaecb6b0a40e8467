import type { RecordedEvent } from '../../../eventstore/src/index.js';
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
  /** Documents others read as related: written last, see below. */
  const readByOthers = new Set<string>();
  const current = async (id: string) => (working.has(id) ? working.get(id)! : await store.get<Stamped>(target.collection, id));

  for (const event of events) {
    const before = new Map<string, Stamped | null>();
    for (const id of projection.related?.(event) ?? []) {
      before.set(id, await current(id));
      readByOthers.add(id);
    }
    const related = (id: string) => {
      if (!before.has(id)) throw new Error(`${projection.name} read ${id} as related without naming it in related()`);
      return before.get(id)!;
    };
    for (const id of projection.documentIds(event, related)) {
      const doc = await current(id);
      if (doc && doc._position >= event.position) continue;
      const next = projection.evolve(doc, event, { id, related });
      if (next === doc) continue;
      working.set(
        id,
        next === null ? null : { ...next, id, _position: event.position, _revision: (doc?._revision ?? 0) + 1 },
      );
      touched.set(id, event.position);
    }
  }

  // MongoDB applies a batch write by write, and a crash can stop it half-way: a document others
  // read is written after those that read it, so a replay never reads it already past the event
  // while a reader still needs the event folded in (the readers' own guards skip what they have).
  const order = [...touched].sort(([a], [b]) => Number(readByOthers.has(a)) - Number(readByOthers.has(b)));
  const ops: WriteOp[] = order.map(([id, position]) => {
    const doc = working.get(id);
    return doc
      ? { kind: 'upsert', collection: target.collection, doc, guard: { position } }
      : { kind: 'delete', collection: target.collection, id, guard: { position } };
  });
  const last = events[events.length - 1];
  await store.applyBatch(ops, last ? { name: target.checkpoint, position: last.position } : undefined);
}
