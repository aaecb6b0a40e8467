import { randomUUID } from 'node:crypto';
import { EVENT_TYPES, type EventStore, EventTypeRegistry, type RecordedEvent } from '../../eventstore/src/index.js';

const registry = new EventTypeRegistry(EVENT_TYPES);

/**
 * Test-only: events as the store records them (consecutive positions, per-stream revisions,
 * actor metadata), kept in memory; `events` is what a store's `readAll` would return.
 */
export class RecordedLog {
  readonly events: RecordedEvent[] = [];
  private readonly revisions = new Map<string, number>();
  private position = 0;

  /** Writes the same events, in the same order, to a real store (which assigns its own positions). */
  async appendTo(store: EventStore): Promise<void> {
    for (const event of this.events) {
      await store.append(event.streamId, [{ id: randomUUID(), type: event.type, data: event.data, metadata: event.metadata }], 'any');
    }
  }

  protected record(streamId: string, type: string, data: object, at: string, actor = 'system:worker'): RecordedEvent {
    const revision = (this.revisions.get(streamId) ?? -1) + 1;
    this.revisions.set(streamId, revision);
    this.position += 1;
    const event: RecordedEvent = {
      id: randomUUID(),
      streamId,
      revision,
      position: this.position,
      type,
      data,
      recordedAt: at,
      metadata: { occurredAt: at, correlationId: `c-${this.position}`, causationId: `c-${this.position}`, schemaVersion: registry.has(type) ? registry.schemaVersionOf(type) : 1, actor },
    };
    this.events.push(event);
    return event;
  }
}

/** Several logs as one, in order, renumbered as one store would number them. */
export function concatLogs(...logs: readonly RecordedLog[]): { readonly events: RecordedEvent[]; appendTo(store: EventStore): Promise<void> } {
  const events = logs.flatMap((log) => log.events).map((event, i) => ({ ...event, position: i + 1 }));
  return {
    events,
    async appendTo(store) {
      for (const log of logs) await log.appendTo(store);
    },
  };
}
