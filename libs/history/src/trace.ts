import type { HistoryEvent } from './history-event.js';

export interface TraceNode {
  readonly event: HistoryEvent;
  /** 0 for an event a command caused directly; one more per event in between. */
  readonly depth: number;
  /** The event that caused this one, or null when a command did (its id is `event.causationId`). */
  readonly parentEventId: string | null;
}

/**
 * Everything one command caused, as a tree by causation, flattened depth-first so it prints as an
 * indented list: an event's parent is the event its causationId names; an event whose causation
 * is a command (no event of the trace has that id) is a root. Siblings keep log order.
 */
export function causationTree(events: readonly HistoryEvent[]): TraceNode[] {
  const byId = new Map(events.map((event) => [event.id, event]));
  const children = new Map<string | null, HistoryEvent[]>();
  for (const event of events) {
    const parent = byId.has(event.causationId) && event.causationId !== event.id ? event.causationId : null;
    const siblings = children.get(parent) ?? [];
    siblings.push(event);
    children.set(parent, siblings);
  }
  const ordered: TraceNode[] = [];
  const visited = new Set<string>();
  const visit = (event: HistoryEvent, depth: number, parentEventId: string | null) => {
    // A causation cycle is impossible when ids derive from commands, but a hand-made import could hold one.
    if (visited.has(event.id)) return;
    visited.add(event.id);
    ordered.push({ event, depth, parentEventId });
    for (const child of children.get(event.id) ?? []) visit(child, depth + 1, event.id);
  };
  for (const root of children.get(null) ?? []) visit(root, 0, null);
  // Events only reachable through a cycle still show, as roots.
  for (const event of events) if (!visited.has(event.id)) visit(event, 0, null);
  return ordered;
}
