import {
  ANY,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  eventTypeFilter,
  excludeSystemEvents,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type ExpectedRevision as EsdbExpectedRevision,
  type Filter,
  type JSONType,
  type Position,
  type ResolvedEvent,
  type StreamMetadata as EsdbStreamMetadata,
} from '@eventstore/db-client';
import { eventMatcher } from '../event-filter.js';
import { StreamDeleted, StreamNotFound, WrongExpectedVersion } from '../event-store.errors.js';
import type {
  AllFilter,
  AllSubscription,
  AppendResult,
  EncodedEvent,
  EventMetadata,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  ReadEventsOptions,
  ReadStreamOptions,
  RecordedEvent,
  StreamMetadata,
  SubscribeOptions,
} from '../event-store.port.js';

const PAGE_SIZE = 500;

/**
 * The distributed mode's event store, a thin mapping onto @eventstore/db-client 6. Positions are
 * commit positions: gRPC appends are implicit transactions, whose events each carry their own log
 * position as commit (and prepare) position, so one number identifies one event in `$all`.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly subscriptions = new Set<AllSubscription>();
  private closed = false;

  /** Owns the client: `close()` ends the subscriptions, then disposes it. */
  constructor(private readonly client: EventStoreDBClient) {}

  static async connect(connectionString: string): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(EventStoreDBClient.connectionString(connectionString));
    try {
      // The client connects lazily: ask once, so a wrong address fails at start-up, not at the first command.
      await store.headPosition();
      return store;
    } catch (error) {
      await store.close();
      throw error;
    }
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    if (events.length === 0) return this.emptyAppend(streamId, expected);
    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data as JSONType, metadata: event.metadata })),
        { expectedRevision: toExpectedRevision(expected) },
      );
      const revision = Number(result.nextExpectedRevision);
      // An append the server recognised as a retry (same ids) may come back without a position.
      const position = result.position ? Number(result.position.commit) : await this.positionOf(streamId, revision);
      return { revision, position };
    } catch (error) {
      throw translate(error, streamId, expected);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const backwards = options.direction === 'backwards';
    const read = this.client.readStream(streamId, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.fromRevision === undefined ? (backwards ? END : START) : BigInt(options.fromRevision),
      ...(options.maxCount === undefined ? {} : { maxCount: options.maxCount }),
    });
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of read) {
        const event = toRecordedEvent(resolved);
        if (event) events.push(event);
      }
    } catch (error) {
      throw translate(error, streamId);
    }
    return events;
  }

  /**
   * Client 6 reads `$all` without server-side filters, so pages are filtered here; pass an
   * `afterPosition` near the events wanted, or this scans the log from the start.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const wanted = matcher(options.filter);
    const limit = options.maxCount ?? Number.POSITIVE_INFINITY;
    const found: RecordedEvent[] = [];
    let after = options.afterPosition ?? -1;
    let from: Position | typeof START = options.afterPosition === undefined ? START : at(options.afterPosition);
    while (found.length < limit) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ fromPosition: from, direction: FORWARDS, maxCount: PAGE_SIZE })) {
        page.push(resolved);
      }
      for (const resolved of page) {
        const event = toRecordedEvent(resolved);
        // fromPosition is inclusive: the event at the checkpoint itself was already seen.
        if (!event || event.position <= after) continue;
        after = event.position;
        from = resolved.event?.position ?? from;
        if (wanted(event) && found.length < limit) found.push(event);
      }
      if (page.length < PAGE_SIZE) break;
    }
    return found;
  }

  /**
   * Client 6 has no server-side filters for reads, so `$all` is paged from the nearer bound in the
   * asked direction and filtered here with the port's own matcher; a narrow filter over a long
   * log costs a scan (the SQLite adapter answers from SQL).
   */
  async readEvents(options: ReadEventsOptions): Promise<RecordedEvent[]> {
    const found: RecordedEvent[] = [];
    for await (const event of this.scan(options)) {
      found.push(event);
      if (found.length >= options.limit) break;
    }
    return found;
  }

  /** The client hands over decoded JSON events, so they are encoded again here. */
  async readEncodedEvents(options: ReadEventsOptions): Promise<EncodedEvent[]> {
    return (await this.readEvents(options)).map(({ data, metadata, ...event }) => ({ ...event, dataJson: JSON.stringify(data), metadataJson: JSON.stringify(metadata) }));
  }

  async countEvents(options: Omit<ReadEventsOptions, 'direction' | 'limit'>): Promise<number> {
    let count = 0;
    for await (const _ of this.scan({ ...options, direction: 'forwards', limit: Number.POSITIVE_INFINITY })) count++;
    return count;
  }

  private async *scan(options: ReadEventsOptions): AsyncGenerator<RecordedEvent> {
    const wanted = eventMatcher(options.filter);
    const backwards = options.direction === 'backwards';
    const after = options.afterPosition ?? -1;
    const before = options.beforePosition ?? Number.POSITIVE_INFINITY;
    // fromPosition is inclusive and consecutive pages share their boundary event: the cursor is
    // the last position looked at, exclusive, in the direction of the read.
    let cursor = backwards ? before : after;
    let from: Position | typeof START | typeof END = backwards
      ? (options.beforePosition === undefined ? END : at(options.beforePosition))
      : (options.afterPosition === undefined ? START : at(options.afterPosition));
    for (;;) {
      const page: AllStreamResolvedEvent[] = [];
      for await (const resolved of this.client.readAll({ fromPosition: from, direction: backwards ? BACKWARDS : FORWARDS, maxCount: PAGE_SIZE })) {
        page.push(resolved);
      }
      for (const resolved of page) {
        from = resolved.event?.position ?? from;
        const event = toRecordedEvent(resolved);
        if (!event || (backwards ? event.position >= cursor : event.position <= cursor)) continue;
        cursor = event.position;
        if (backwards ? event.position <= after : event.position >= before) return;
        if (wanted(event)) yield event;
      }
      if (page.length < PAGE_SIZE) return;
    }
  }

  /**
   * The server filters on stream prefixes or on event-type prefixes, not both: stream prefixes go
   * to the server when given, exact types and system events are filtered here.
   */
  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const source = this.client.subscribeToAll({
      fromPosition: options.afterPosition === undefined ? START : at(options.afterPosition),
      filter: serverFilter(options.filter),
    });
    const subscription: AllSubscription = new EventStoreDbAllSubscription(
      source,
      options.afterPosition ?? -1,
      matcher(options.filter),
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    const newest: AllStreamResolvedEvent[] = [];
    for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
      newest.push(resolved);
    }
    return newest.length === 0 ? 0 : positionOf(newest[0]);
  }

  async deleteStream(streamId: string, options: { expected?: ExpectedRevision; tombstone?: boolean } = {}): Promise<void> {
    const expected = options.expected ?? 'any';
    try {
      // The client's deletes take no STREAM_EXISTS; check it as the stream's current revision.
      const expectedRevision = expected === 'stream_exists' ? await this.revisionExisting(streamId) : toExpectedRevision(expected);
      if (options.tombstone) await this.client.tombstoneStream(streamId, { expectedRevision });
      else await this.client.deleteStream(streamId, { expectedRevision });
    } catch (error) {
      throw translate(error, streamId, expected);
    }
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    try {
      await this.client.setStreamMetadata(streamId, toEsdbMetadata(metadata));
    } catch (error) {
      throw translate(error, streamId);
    }
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata> {
    try {
      const { metadata } = await this.client.getStreamMetadata(streamId);
      return metadata ? fromEsdbMetadata(metadata) : {};
    } catch (error) {
      throw translate(error, streamId);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    await this.client.dispose();
  }

  /** Nothing is written, so there is nothing for the server to check: compare with what it reads. */
  private async emptyAppend(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const actual = await this.currentRevision(streamId);
    const met =
      expected === 'any' ||
      (expected === 'no_stream' && actual === -1) ||
      (expected === 'stream_exists' && actual >= 0) ||
      expected === actual;
    if (!met) throw new WrongExpectedVersion(streamId, expected, actual);
    return { revision: actual, position: await this.headPosition() };
  }

  private async revisionExisting(streamId: string): Promise<bigint> {
    const actual = await this.currentRevision(streamId);
    if (actual < 0) throw new WrongExpectedVersion(streamId, 'stream_exists', actual);
    return BigInt(actual);
  }

  private async currentRevision(streamId: string): Promise<number> {
    try {
      const [last] = await this.readStream(streamId, { direction: 'backwards', maxCount: 1 });
      return last?.revision ?? -1;
    } catch (error) {
      if (error instanceof StreamNotFound) return -1;
      throw error;
    }
  }

  private async positionOf(streamId: string, revision: number): Promise<number> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`${streamId}@${revision} is not readable to learn its position`);
    return event.position;
  }
}

/**
 * Wraps the client's subscription (a Readable, consumed with `for await`) into the port's shape:
 * system events and other types filtered out, nothing at or before the checkpoint, errors translated.
 */
class EventStoreDbAllSubscription implements AllSubscription {
  private closed = false;
  private stopped: Promise<void> | undefined;
  private readonly iterator: AsyncGenerator<RecordedEvent, void, undefined>;

  constructor(
    private readonly source: AllStreamSubscription,
    private readonly afterPosition: number,
    private readonly wanted: (event: RecordedEvent) => boolean,
    private readonly onEnd: () => void,
  ) {
    // The client emits connection errors on the Readable even before anyone iterates, and an
    // unheard 'error' event would crash the process: keep it as the stream's error, so the
    // `for await` in run() throws it whenever it starts.
    source.on('error', (error: Error) => {
      if (!source.destroyed) source.destroy(error);
    });
    this.iterator = this.run();
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return this.iterator;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.stop();
    await this.iterator.return();
  }

  private async *run(): AsyncGenerator<RecordedEvent, void, undefined> {
    try {
      for await (const resolved of this.source) {
        const event = toRecordedEvent(resolved);
        if (event && event.position > this.afterPosition && this.wanted(event)) yield event;
      }
    } catch (error) {
      // Destroying the source on close() makes the pending read fail with a premature close.
      if (!this.closed) throw translate(error, '$all');
    } finally {
      this.closed = true;
      await this.stop();
    }
  }

  /** unsubscribe() cancels the gRPC call; destroying the Readable is what ends a pending `for await`. */
  private stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.onEnd();
      await this.source.unsubscribe();
      this.source.destroy();
    })();
    return this.stopped;
  }
}

function at(position: number): Position {
  return { commit: BigInt(position), prepare: BigInt(position) };
}

function toExpectedRevision(expected: Exclude<ExpectedRevision, 'stream_exists'>): EsdbExpectedRevision;
function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision;
function toExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      return BigInt(expected);
  }
}

function serverFilter(filter: AllFilter | undefined): Filter {
  if (filter?.streamPrefixes?.length) return streamNameFilter({ prefixes: [...filter.streamPrefixes] });
  if (filter?.eventTypes?.length) return eventTypeFilter({ prefixes: [...filter.eventTypes] });
  return excludeSystemEvents();
}

/** The port's filter, applied exactly: never system events, any of the prefixes, one of the types. */
function matcher(filter: AllFilter | undefined): (event: RecordedEvent) => boolean {
  const prefixes = filter?.streamPrefixes ?? [];
  const types = new Set(filter?.eventTypes ?? []);
  return (event) =>
    !event.streamId.startsWith('$') &&
    !event.type.startsWith('$') &&
    (prefixes.length === 0 || prefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
    (types.size === 0 || types.has(event.type));
}

function positionOf(resolved: ResolvedEvent | AllStreamResolvedEvent): number {
  const commit = resolved.event?.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) {
    throw new Error('EventStoreDB returned an event without its position (stream reads carry one from server 22.6 on)');
  }
  return Number(commit);
}

function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    id: event.id,
    streamId: event.streamId,
    revision: Number(event.revision),
    position: positionOf(resolved),
    type: event.type,
    data: event.data as object,
    metadata: event.metadata as unknown as EventMetadata,
    recordedAt: event.created.toISOString(),
  };
}

function translate(error: unknown, streamId: string, expected: ExpectedRevision = 'any'): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const actual = error.actualVersion === NO_STREAM ? -1 : Number(error.actualVersion);
    return new WrongExpectedVersion(streamId, expected, actual);
  }
  if (error instanceof StreamDeletedError) return new StreamDeleted(streamId);
  if (error instanceof StreamNotFoundError) return new StreamNotFound(streamId);
  return error;
}

/** The client rejects undefined system keys, so only present ones are passed; ours live under `custom`. */
function toEsdbMetadata(metadata: StreamMetadata): EsdbStreamMetadata {
  return {
    ...(metadata.maxCount === undefined ? {} : { maxCount: metadata.maxCount }),
    ...(metadata.maxAgeSeconds === undefined ? {} : { maxAge: metadata.maxAgeSeconds }),
    ...(metadata.truncateBefore === undefined ? {} : { truncateBefore: metadata.truncateBefore }),
    ...(metadata.custom === undefined ? {} : { custom: metadata.custom }),
  };
}

function fromEsdbMetadata(metadata: EsdbStreamMetadata): StreamMetadata {
  const { maxCount, maxAge, truncateBefore, custom } = metadata;
  return {
    ...(typeof maxCount === 'number' ? { maxCount } : {}),
    ...(typeof maxAge === 'number' ? { maxAgeSeconds: maxAge } : {}),
    ...(typeof truncateBefore === 'number' ? { truncateBefore } : {}),
    ...(custom !== null && typeof custom === 'object' ? { custom: custom as Record<string, unknown> } : {}),
  };
}
