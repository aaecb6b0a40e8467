import { eventMatcher, type EventStore, type EventTypeRegistry, type ReadEventsOptions, type RecordedEvent, StreamNotFound } from '../../eventstore/src/index.js';
import type { Decider, DomainEvent } from '../../domain/src/index.js';
import { checkFilter, encodeCursor, planPage, type HistoryFilter, type HistoryPageRequest } from './event-query.js';
import { historyEvent, type HistoryEvent } from './history-event.js';
import { ENTITIES, foldWith, reachedBy, type EntityKind, type PointInHistory } from './time-travel.js';
import { causationTree, type TraceNode } from './trace.js';

export interface HistoryPage {
  readonly edges: readonly { readonly cursor: string; readonly node: HistoryEvent }[];
  readonly pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  /** Counted only when asked for: a count of a long log is the one costly part of a page. */
  totalCount(): Promise<number>;
}

export interface Trace {
  readonly correlationId: string;
  readonly nodes: readonly TraceNode[];
  /** The trace holds more events than were read. */
  readonly truncated: boolean;
}

export interface EntityAt<S = unknown> {
  readonly kind: EntityKind;
  readonly id: string;
  readonly streamId: string;
  /** Revision of the last event folded (-1: none yet at that point). */
  readonly revision: number;
  readonly position: number | null;
  readonly occurredAt: string | null;
  readonly state: S;
}

/** Events a trace reads at most; a command causing more is cut there and says so. */
export const TRACE_LIMIT = 5000;

/**
 * The analysts' view of the log, over the EventStore port (so it answers the same on SQLite and
 * EventStoreDB): pages of filtered events, an entity's own stream, the tree one command caused,
 * and any entity as it was at a past moment, folded with its decider.
 */
export class EventHistory {
  constructor(
    private readonly events: EventStore,
    private readonly registry: EventTypeRegistry,
  ) {}

  async page(request: HistoryPageRequest): Promise<HistoryPage> {
    const filter = checkFilter(this.registry, request.filter);
    const plan = planPage(request, filter);
    const rows = await this.events.readEvents(plan.read);
    const more = rows.length > plan.size;
    const taken = rows.slice(0, plan.size);
    const ordered = plan.reverse ? taken.reverse() : taken;
    const edges = ordered.map((event) => ({ cursor: encodeCursor(event.position), node: this.upcast(event) }));
    const { fromPosition, toPosition, ...portFilter } = filter;
    const range = {
      filter: portFilter,
      afterPosition: fromPosition === undefined ? undefined : fromPosition - 1,
      beforePosition: toPosition === undefined ? undefined : toPosition + 1,
    };
    const beyond = await this.beyondCursor(plan.read, request.after ?? request.before ?? null, range);
    return {
      edges,
      pageInfo: {
        hasNextPage: plan.reverse ? beyond : more,
        hasPreviousPage: plan.reverse ? more : beyond,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
      totalCount: () => this.events.countEvents(range),
    };
  }

  /**
   * Whether the filtered range holds anything on the far side of the cursor a page started from
   * (Relay's other has*Page): one event read outward from it.
   */
  private async beyondCursor(read: ReadEventsOptions, cursor: string | null, range: Omit<ReadEventsOptions, 'direction' | 'limit'>): Promise<boolean> {
    if (cursor === null) return false;
    const outward: ReadEventsOptions = read.direction === 'forwards'
      ? { ...range, direction: 'backwards', beforePosition: read.afterPosition! + 1, limit: 1 }
      : { ...range, direction: 'forwards', afterPosition: read.beforePosition! - 1, limit: 1 };
    return (await this.events.readEvents(outward)).length > 0;
  }

  /** One entity's stream, oldest first (empty when it has none). */
  async stream(streamId: string): Promise<HistoryEvent[]> {
    return (await this.readStream(streamId)).map((event) => this.upcast(event));
  }

  /** The event with this id, or null. */
  async event(eventId: string): Promise<HistoryEvent | null> {
    const [found] = await this.events.readEvents({ filter: { eventIds: [eventId] }, direction: 'forwards', limit: 1 });
    return found ? this.upcast(found) : null;
  }

  /** Everything the command behind `correlationId` caused, as a causation tree. */
  async trace(correlationId: string): Promise<Trace> {
    const found = await this.events.readEvents({ filter: { correlationId }, direction: 'forwards', limit: TRACE_LIMIT + 1 });
    const events = found.slice(0, TRACE_LIMIT).map((event) => this.upcast(event));
    return { correlationId, nodes: causationTree(events), truncated: found.length > TRACE_LIMIT };
  }

  /** The trace of the command that caused this event; null when no event has the id. */
  async traceOfEvent(eventId: string): Promise<Trace | null> {
    const event = await this.event(eventId);
    return event && this.trace(event.correlationId);
  }

  /** An entity as its own stream says it was at `at`, folded with the domain's decider. */
  async entityAt(kind: EntityKind, id: string, at: PointInHistory): Promise<EntityAt> {
    const { decider, stream } = ENTITIES[kind];
    const streamId = stream(id);
    const reached = reachedBy(at);
    const folded: RecordedEvent[] = [];
    for (const event of await this.readStream(streamId)) {
      // A stream's events occur in order, so the first one past the point ends the fold.
      if (!reached({ position: event.position, occurredAt: event.metadata.occurredAt })) break;
      folded.push(event);
    }
    const last = folded[folded.length - 1];
    const fold = decider as unknown as Pick<Decider<unknown, DomainEvent, unknown>, 'initialState' | 'evolve'>;
    const state = foldWith(fold, folded.map((event) => this.registry.toDomainEvent(event)));
    return {
      kind,
      id,
      streamId,
      revision: last?.revision ?? -1,
      position: last?.position ?? null,
      occurredAt: last?.metadata.occurredAt ?? null,
      state,
    };
  }

  /** The filter as a page would take it, or the typed error a page would answer. */
  checkFilter(filter: HistoryFilter): HistoryFilter {
    return checkFilter(this.registry, filter);
  }

  /** A predicate for live events (a subscription), checked like a page's filter. */
  matcher(filter: HistoryFilter = {}): (event: RecordedEvent) => boolean {
    const { fromPosition, toPosition, ...portFilter } = checkFilter(this.registry, filter);
    const matches = eventMatcher(portFilter);
    return (event) =>
      matches(event) && (fromPosition === undefined || event.position >= fromPosition) && (toPosition === undefined || event.position <= toPosition);
  }

  /**
   * Events appended after `afterPosition` (null: from now on) that match the filter: the stored
   * ones first, then live ones, from one subscription, so there is no gap and no duplicate between
   * them. Ends when `signal` aborts.
   */
  async *follow(filter: HistoryFilter, afterPosition: number | null, signal: AbortSignal): AsyncGenerator<HistoryEvent> {
    const matches = this.matcher(filter);
    // "From now on" is pinned before the subscription starts, so nothing appended meanwhile is lost.
    const after = afterPosition ?? (await this.events.headPosition());
    const subscription = this.events.subscribeToAll({ afterPosition: after });
    const stop = () => void subscription.close();
    signal.addEventListener('abort', stop, { once: true });
    try {
      for await (const recorded of subscription) {
        if (matches(recorded)) yield this.upcast(recorded);
      }
    } finally {
      signal.removeEventListener('abort', stop);
      await subscription.close();
    }
  }

  upcast(event: RecordedEvent): HistoryEvent {
    return historyEvent(this.registry, event);
  }

  private async readStream(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.events.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }
}
