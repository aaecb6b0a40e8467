import { type Decider, DomainError, type DomainEvent, RevisionConflict } from '../../../domain/src/index.js';
import { deterministicEventId } from '../event-id.js';
import { StreamNotFound, WrongExpectedVersion } from '../event-store.errors.js';
import type { EventStore, EventToAppend, RecordedEvent } from '../event-store.port.js';
import type { EventTypeRegistry } from '../serialization/event-type.registry.js';

export interface CommandContext {
  /** Unique per command; event ids derive from it, so handling it twice appends nothing twice. */
  readonly commandId: string;
  /** The user request this command belongs to; defaults to the command id. */
  readonly correlationId?: string;
  /** The event or command that caused this one; defaults to the command id. */
  readonly causationId?: string;
  readonly actor: string;
  /** The caller's role, recorded beside the actor; absent for the service's own steps. */
  readonly actorRole?: string;
  readonly now: string;
  /**
   * Set by user commands that carry the revision they saw: a different current revision is a
   * RevisionConflict for the user to resolve, never retried behind their back.
   */
  readonly expectedRevision?: number;
}

export interface CommandResult<E extends DomainEvent = DomainEvent> {
  readonly streamId: string;
  /** The stream's revision after the command (-1: the stream still has no events). */
  readonly revision: number;
  /** Global position of the last event written, or null when the command wrote nothing. */
  readonly position: number | null;
  readonly events: readonly E[];
  /** The stored ids of `events`, in order: what a follow-up command names as its cause. */
  readonly eventIds: readonly string[];
  /** True when this command had already been handled and nothing was appended now. */
  readonly duplicate: boolean;
}

export class RetriesExhausted extends DomainError<{ streamId: string; attempts: number }> {
  constructor(streamId: string, attempts: number) {
    super('REVISION_CONFLICT', `${streamId} kept changing underneath; gave up after ${attempts} attempts`, { streamId, attempts });
  }
}

const MAX_ATTEMPTS = 5;

/**
 * The one way a command changes state: read the stream, fold it, decide, append at the revision
 * that was read. Conflicts on system commands are retried (bounded, with jittered backoff) on a
 * fresh read; a user command that names its revision gets a RevisionConflict instead.
 */
export class EventSourcedCommandHandler {
  constructor(
    private readonly store: EventStore,
    private readonly registry: EventTypeRegistry,
    private readonly maxAttempts = MAX_ATTEMPTS,
  ) {}

  async handle<C, E extends DomainEvent, S>(
    decider: Decider<C, E, S>,
    streamId: string,
    command: C,
    context: CommandContext,
  ): Promise<CommandResult<E>> {
    for (let attempt = 1; ; attempt++) {
      const recorded = await this.readAll(streamId);
      const revision = recorded.length ? recorded[recorded.length - 1].revision : -1;

      const earlier = this.alreadyHandled<E>(recorded, streamId, context.commandId);
      if (earlier) return earlier;
      if (context.expectedRevision !== undefined && context.expectedRevision !== revision) {
        throw new RevisionConflict(streamId, context.expectedRevision, revision);
      }

      const state = this.fold(decider, recorded);
      const events = decider.decide(command, state);
      if (events.length === 0) return { streamId, revision, position: null, events, eventIds: [], duplicate: false };

      try {
        const toAppend = events.map((event, index) => this.toAppend(event, index, streamId, context));
        const appended = await this.store.append(streamId, toAppend, revision === -1 ? 'no_stream' : revision);
        return { streamId, revision: appended.revision, position: appended.position, events, eventIds: toAppend.map((event) => event.id), duplicate: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        if (context.expectedRevision !== undefined) throw new RevisionConflict(streamId, context.expectedRevision, error.actual);
        if (attempt >= this.maxAttempts) throw new RetriesExhausted(streamId, attempt);
        await sleep(5 * 2 ** attempt + Math.random() * 10);
      }
    }
  }

  /** A stream's current state, folded exactly as `handle` folds it before deciding. */
  async state<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<S> {
    return this.fold(decider, await this.readAll(streamId));
  }

  /** A stream's events as its decider sees them (upcast), beside what they were recorded as, and the state they fold to. */
  async history<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, streamId: string): Promise<{ state: S; events: readonly { event: E; recorded: RecordedEvent }[] }> {
    const events = (await this.readAll(streamId)).map((recorded) => ({ event: this.registry.toDomainEvent<E>(recorded), recorded }));
    return { state: events.reduce((s, { event }) => decider.evolve(s, event), decider.initialState), events };
  }

  private fold<C, E extends DomainEvent, S>(decider: Decider<C, E, S>, recorded: readonly RecordedEvent[]): S {
    return recorded.reduce((s, e) => decider.evolve(s, this.registry.toDomainEvent<E>(e)), decider.initialState);
  }

  private async readAll(streamId: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(streamId);
    } catch (error) {
      if (error instanceof StreamNotFound) return [];
      throw error;
    }
  }

  /** The first event of a command has a known id; finding it means the command already landed. */
  private alreadyHandled<E extends DomainEvent>(recorded: RecordedEvent[], streamId: string, commandId: string): CommandResult<E> | null {
    const firstId = deterministicEventId(commandId, streamId, 0);
    const start = recorded.findIndex((e) => e.id === firstId);
    if (start === -1) return null;
    const mine: RecordedEvent[] = [];
    for (let i = start; i < recorded.length && recorded[i].id === deterministicEventId(commandId, streamId, i - start); i++) {
      mine.push(recorded[i]);
    }
    const last = mine[mine.length - 1];
    return {
      streamId,
      revision: recorded[recorded.length - 1].revision,
      position: last.position,
      events: mine.map((e) => this.registry.toDomainEvent<E>(e)),
      eventIds: mine.map((e) => e.id),
      duplicate: true,
    };
  }

  private toAppend(event: DomainEvent, index: number, streamId: string, context: CommandContext): EventToAppend {
    return {
      id: deterministicEventId(context.commandId, streamId, index),
      type: event.type,
      data: event.data,
      metadata: {
        occurredAt: context.now,
        correlationId: context.correlationId ?? context.commandId,
        causationId: context.causationId ?? context.commandId,
        schemaVersion: this.registry.schemaVersionOf(event.type),
        actor: context.actor,
        ...(context.actorRole === undefined ? {} : { actorRole: context.actorRole }),
      },
    };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
