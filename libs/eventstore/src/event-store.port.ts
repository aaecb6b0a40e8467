/**
 * The event store as the rest of the service sees it. Two adapters implement it (SQLite for the
 * embedded mode, EventStoreDB for the distributed mode) and one contract suite holds them to the
 * same behaviour (`event-store.contract.ts`).
 *
 * Positions are plain numbers: SQLite's global sequence, or EventStoreDB's commit position (a byte
 * offset, exact as a JS number up to 9 PB of log). They only ever grow, and are comparable within
 * one store.
 */

/** What an append expects the stream to be; a revision is the 0-based number of its last event. */
export type ExpectedRevision = 'no_stream' | 'any' | 'stream_exists' | number;

export interface EventMetadata {
  /** ISO time the command that caused this event was accepted. */
  readonly occurredAt: string;
  /** The user command (or root cause) this event belongs to; shared by every event it caused. */
  readonly correlationId: string;
  /** The command or event that directly caused this event. */
  readonly causationId: string;
  /** Version of the payload shape; upcasters lift older versions at the read boundary. */
  readonly schemaVersion: number;
  /** Who asked: a user name, `system:<component>`, or `cli:<user>`. */
  readonly actor: string;
  /** The role the actor asked with (viewer, operator, admin); absent for the service's own steps and older events. */
  readonly actorRole?: string;
  readonly [extra: string]: unknown;
}

export interface EventToAppend {
  /** A UUID. Deterministic for a given command, so a retried append is recognised, not duplicated. */
  readonly id: string;
  readonly type: string;
  readonly data: object;
  readonly metadata: EventMetadata;
}

export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly data: object;
  readonly metadata: EventMetadata;
  /** When the store recorded it (ISO). */
  readonly recordedAt: string;
}

/** A recorded event whose payload and metadata stay the JSON text `JSON.stringify` makes of them. */
export interface EncodedEvent extends Omit<RecordedEvent, 'data' | 'metadata'> {
  readonly dataJson: string;
  readonly metadataJson: string;
}

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly revision: number;
  /** Global position of the last appended event. */
  readonly position: number;
}

export interface ReadStreamOptions {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive; defaults to the start (forwards) or the end (backwards). */
  readonly fromRevision?: number;
  readonly maxCount?: number;
}

/** Which events of `$all` a reader wants. Both lists empty or absent means every non-system event. */
export interface AllFilter {
  /** Stream name prefixes, e.g. `prompt-` or `queue`. */
  readonly streamPrefixes?: readonly string[];
  /** Exact event type strings. */
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events strictly after this position. Absent means from the very start. */
  readonly afterPosition?: number;
  readonly filter?: AllFilter;
  readonly maxCount?: number;
}

/**
 * What an analyst's read of the log wants. Every field present narrows the read (they combine with
 * AND); a list matches any of its values. System streams and types (`$…`) are never included.
 */
export interface EventFilter {
  readonly eventIds?: readonly string[];
  readonly streamIds?: readonly string[];
  /** `prompt` matches `prompt-…`; a stream without a dash (`queue`) is its own category. */
  readonly categories?: readonly string[];
  readonly eventTypes?: readonly string[];
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly actor?: string;
  /** Inclusive, ISO: metadata.occurredAt at or after this. */
  readonly occurredFrom?: string;
  /** Exclusive, ISO: metadata.occurredAt before this. */
  readonly occurredBefore?: string;
}

export interface ReadEventsOptions {
  readonly filter?: EventFilter;
  /** Position order: oldest first (forwards) or newest first (backwards). */
  readonly direction: 'forwards' | 'backwards';
  /** Exclusive bounds on the position, whichever the direction. */
  readonly afterPosition?: number;
  readonly beforePosition?: number;
  readonly limit: number;
}

export interface SubscribeOptions {
  /** Exclusive: deliver events strictly after this checkpoint. Absent means from the start. */
  readonly afterPosition?: number;
  readonly filter?: AllFilter;
}

/**
 * One async iterable that first delivers every stored event after the checkpoint, then goes live,
 * with no gap and no duplicate between the two phases. Ends when `close()` is called.
 */
export interface AllSubscription extends AsyncIterable<RecordedEvent> {
  close(): Promise<void>;
}

export interface StreamMetadata {
  /** Keep at most this many most recent events readable. */
  readonly maxCount?: number;
  /** Events older than this many seconds are not readable. */
  readonly maxAgeSeconds?: number;
  /** Events with a lower revision are not readable. */
  readonly truncateBefore?: number;
  /** Our own keys. */
  readonly custom?: Record<string, unknown>;
}

export interface EventStore {
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  /** Throws StreamNotFound when the stream has no events (or was soft-deleted), StreamDeleted when tombstoned. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** A page of the log for analysts: any filter, either direction, between exclusive positions. */
  readEvents(options: ReadEventsOptions): Promise<RecordedEvent[]>;
  /**
   * The same events as `readEvents`, payloads not decoded: writing the log out as JSON then costs
   * what the store costs (SQLite hands over the stored text; other stores may encode).
   */
  readEncodedEvents(options: ReadEventsOptions): Promise<EncodedEvent[]>;
  /** How many events `readEvents` would find with no limit. */
  countEvents(options: Omit<ReadEventsOptions, 'direction' | 'limit'>): Promise<number>;
  subscribeToAll(options?: SubscribeOptions): AllSubscription;
  /** Position of the newest event in `$all` (0 when empty). */
  headPosition(): Promise<number>;
  /**
   * Soft delete: the stream reads as not found, and a later append starts it again (revisions go
   * on from where they were). `tombstone: true` deletes it forever; appends then fail.
   */
  deleteStream(streamId: string, options?: { expected?: ExpectedRevision; tombstone?: boolean }): Promise<void>;
  setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void>;
  getStreamMetadata(streamId: string): Promise<StreamMetadata>;
  close(): Promise<void>;
}

export const EVENT_STORE = Symbol('EVENT_STORE');
