import type { EventTypeRegistry, RecordedEvent } from '../../eventstore/src/index.js';

/** An event as analysts see it: its payload upcast to today's shape, its stored version kept beside. */
export interface HistoryEvent {
  readonly id: string;
  readonly type: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly occurredAt: string;
  readonly recordedAt: string;
  /** The version `data` is in: today's, after upcasting. */
  readonly schemaVersion: number;
  /** The version the event was written at. */
  readonly storedSchemaVersion: number;
  readonly data: object;
  readonly correlationId: string;
  readonly causationId: string;
  readonly actor: string;
  readonly actorRole: string | null;
}

export function historyEvent(registry: EventTypeRegistry, recorded: RecordedEvent): HistoryEvent {
  const current = registry.upcast(recorded);
  const { metadata } = current;
  return {
    id: current.id,
    type: current.type,
    streamId: current.streamId,
    revision: current.revision,
    position: current.position,
    occurredAt: metadata.occurredAt,
    recordedAt: current.recordedAt,
    schemaVersion: metadata.schemaVersion ?? 1,
    storedSchemaVersion: recorded.metadata.schemaVersion ?? 1,
    data: current.data,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    actor: metadata.actor,
    actorRole: typeof metadata.actorRole === 'string' ? metadata.actorRole : null,
  };
}
