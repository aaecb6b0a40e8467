import type { DomainEvent } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../event-store.port.js';

/** Lifts a payload stored at `fromVersion` to `fromVersion + 1`. Pure: no I/O, no clock. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventTypeDefinition {
  /** The stored type string. Forever: a new shape gets an upcaster or a new type, never a rename. */
  readonly type: string;
  /** The version new events are written at. */
  readonly schemaVersion: number;
  /** upcasters[v] lifts version v to v + 1. */
  readonly upcasters?: Readonly<Record<number, Upcaster>>;
}

export class UnknownEventType extends Error {
  constructor(readonly type: string) {
    super(`Event type "${type}" is not registered; register it before writing it`);
    this.name = 'UnknownEventType';
  }
}

/**
 * The stable type strings this service writes, their current schema versions, and the upcasters
 * that lift old payloads at the read boundary, so deciders and projections only ever see the
 * current shape.
 */
export class EventTypeRegistry {
  private readonly definitions = new Map<string, EventTypeDefinition>();

  constructor(definitions: readonly EventTypeDefinition[] = []) {
    for (const definition of definitions) this.register(definition);
  }

  register(definition: EventTypeDefinition): void {
    const existing = this.definitions.get(definition.type);
    if (existing && existing !== definition) throw new Error(`Event type "${definition.type}" is registered twice`);
    for (let v = 1; v < definition.schemaVersion; v++) {
      if (!definition.upcasters?.[v]) throw new Error(`Event type "${definition.type}" lacks an upcaster from v${v}`);
    }
    this.definitions.set(definition.type, definition);
  }

  /** Every registered type string, sorted. */
  types(): string[] {
    return [...this.definitions.keys()].sort();
  }

  has(type: string): boolean {
    return this.definitions.has(type);
  }

  schemaVersionOf(type: string): number {
    const definition = this.definitions.get(type);
    if (!definition) throw new UnknownEventType(type);
    return definition.schemaVersion;
  }

  /** The event as the domain sees it today. Unknown types pass through untouched (other services' events). */
  upcast(event: RecordedEvent): RecordedEvent {
    const definition = this.definitions.get(event.type);
    const from = event.metadata.schemaVersion ?? 1;
    if (!definition || from >= definition.schemaVersion) return event;
    let data = event.data as Record<string, unknown>;
    for (let v = from; v < definition.schemaVersion; v++) data = definition.upcasters![v](data);
    return { ...event, data, metadata: { ...event.metadata, schemaVersion: definition.schemaVersion } };
  }

  toDomainEvent<E extends DomainEvent>(event: RecordedEvent): E {
    const current = this.upcast(event);
    return { type: current.type, data: current.data } as E;
  }
}

export const EVENT_TYPE_REGISTRY = Symbol('EVENT_TYPE_REGISTRY');
