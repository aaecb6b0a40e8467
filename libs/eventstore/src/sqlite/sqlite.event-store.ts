import type { Statement, Transaction } from 'better-sqlite3';
import { systemClock, type Clock } from '../clock.js';
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
import { CatchUpSubscription, CommitSignal, type CatchUpPage } from './catch-up.subscription.js';
import { EVENT_READ_INDEXES, eventReadSql } from './event-read.sql.js';
import type { SqliteDatabase } from './open-sqlite.js';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id    TEXT NOT NULL UNIQUE,
    stream_id   TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT NOT NULL,
    data        TEXT NOT NULL,
    metadata    TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (stream_id, revision)
  );
  CREATE TABLE IF NOT EXISTS streams (
    stream_id      TEXT PRIMARY KEY,
    revision       INTEGER NOT NULL, -- last revision written, -1 before the first; survives soft delete
    deleted_before INTEGER,          -- soft delete: lower revisions are hidden
    tombstoned     INTEGER NOT NULL DEFAULT 0,
    metadata       TEXT
  );
`;

const EVENT_COLUMNS = 'position, event_id, stream_id, revision, type, data, metadata, recorded_at';
// Prefixes are compared with substr, not LIKE, so `_` and `%` in stream names are plain characters.
// Streams and types starting with `$` are system ones in EventStoreDB; hide them here too.
const SELECT_ALL = `
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE position > @after
    AND substr(stream_id, 1, 1) <> '$' AND substr(type, 1, 1) <> '$'
    AND (@prefixes IS NULL OR EXISTS (
      SELECT 1 FROM json_each(@prefixes) p WHERE substr(events.stream_id, 1, length(p.value)) = p.value))
    AND (@types IS NULL OR type IN (SELECT value FROM json_each(@types)))
  ORDER BY position LIMIT @limit`;
const SELECT_STREAM_RANGE = `
  SELECT ${EVENT_COLUMNS} FROM events
  WHERE stream_id = @streamId AND revision BETWEEN @from AND @to AND recorded_at >= @notBefore
  ORDER BY revision`;

const PAGE_SIZE = 500;
const NO_LIMIT = -1;

interface EventRow {
  position: number;
  event_id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
}

/** An EventRow as an array, in EVENT_COLUMNS order. */
type EventTuple = [position: number, eventId: string, streamId: string, revision: number, type: string, data: string, metadata: string, recordedAt: string];

interface StreamRow {
  revision: number;
  deleted_before: number | null;
  tombstoned: 0 | 1;
  metadata: string | null;
}

export interface SqliteEventStoreOptions {
  /** Stamps `recordedAt` and judges `maxAgeSeconds`. */
  readonly clock?: Clock;
  readonly pollIntervalMs?: number;
}

/**
 * The embedded event store. It borrows an open handle (shared with the read-model store, see
 * `openSqlite`) and never closes it: `close()` ends this store's subscriptions, the owner of the
 * handle closes the database afterwards.
 */
export class SqliteEventStore implements EventStore {
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly signal = new CommitSignal();
  private readonly subscriptions = new Set<AllSubscription>();
  private readonly sql: Record<
    | 'insertEvent' | 'stream' | 'eventIdsIn' | 'forwards' | 'backwards' | 'all' | 'head'
    | 'setRevision' | 'softDelete' | 'tombstone' | 'setMetadata',
    Statement
  >;
  private readonly appendTx: Transaction<(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) => { result: AppendResult; written: boolean }>;
  private readonly deleteTx: Transaction<(streamId: string, expected: ExpectedRevision, tombstone: boolean) => void>;
  private readonly pageTx: Transaction<(after: number, filter: AllFilter | undefined) => CatchUpPage>;
  /** Analysts' reads, one prepared statement per filter shape and direction. */
  private readonly eventReads = new Map<string, Statement>();

  constructor(
    private readonly db: SqliteDatabase,
    options: SqliteEventStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
    this.pollIntervalMs = options.pollIntervalMs ?? 250;
    db.exec(SCHEMA);
    db.exec(EVENT_READ_INDEXES);
    this.sql = {
      insertEvent: db.prepare(`INSERT INTO events (event_id, stream_id, revision, type, data, metadata, recorded_at)
        VALUES (@id, @streamId, @revision, @type, @data, @metadata, @recordedAt)`),
      stream: db.prepare('SELECT revision, deleted_before, tombstoned, metadata FROM streams WHERE stream_id = ?'),
      eventIdsIn: db.prepare('SELECT stream_id, revision FROM events WHERE event_id IN (SELECT value FROM json_each(?)) ORDER BY position'),
      forwards: db.prepare(`${SELECT_STREAM_RANGE} LIMIT @limit`),
      backwards: db.prepare(`${SELECT_STREAM_RANGE} DESC LIMIT @limit`),
      all: db.prepare(SELECT_ALL),
      head: db.prepare('SELECT coalesce(max(position), 0) AS head FROM events'),
      setRevision: db.prepare(`INSERT INTO streams (stream_id, revision) VALUES (?, ?)
        ON CONFLICT (stream_id) DO UPDATE SET revision = excluded.revision`),
      softDelete: db.prepare('UPDATE streams SET deleted_before = revision + 1 WHERE stream_id = ?'),
      tombstone: db.prepare(`INSERT INTO streams (stream_id, revision, tombstoned) VALUES (?, -1, 1)
        ON CONFLICT (stream_id) DO UPDATE SET tombstoned = 1`),
      setMetadata: db.prepare(`INSERT INTO streams (stream_id, revision, metadata) VALUES (?, -1, ?)
        ON CONFLICT (stream_id) DO UPDATE SET metadata = excluded.metadata`),
    };
    this.appendTx = db.transaction((streamId, events, expected) => this.appendInTx(streamId, events, expected));
    this.deleteTx = db.transaction((streamId, expected, tombstone) => this.deleteInTx(streamId, expected, tombstone));
    // One read snapshot for the page and the head, or a commit by another process in between would
    // be skipped by moving the cursor to a head the page never saw.
    this.pageTx = db.transaction((after, filter) => {
      const events = this.selectAll(after, filter, PAGE_SIZE);
      const full = events.length === PAGE_SIZE;
      const scannedTo = full ? events[events.length - 1].position : Math.max(after, this.head());
      return { events, scannedTo, full };
    });
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    // IMMEDIATE takes the write lock up front; a deferred read-then-write can fail with SQLITE_BUSY
    // without waiting when another process writes the same file.
    const { result, written } = this.appendTx.immediate(streamId, events, expected);
    if (written) this.signal.notify();
    return result;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.liveStream(streamId);
    const last = stream.revision;
    const metadata = parseMetadata(stream.metadata);
    const lowest = Math.max(
      stream.deleted_before ?? 0,
      metadata.truncateBefore ?? 0,
      metadata.maxCount === undefined ? 0 : last - metadata.maxCount + 1,
    );
    const notBefore = metadata.maxAgeSeconds === undefined
      ? ''
      : new Date(this.clock.now().getTime() - metadata.maxAgeSeconds * 1000).toISOString();
    const limit = options.maxCount ?? NO_LIMIT;
    const rows = options.direction === 'backwards'
      ? this.sql.backwards.all({ streamId, from: lowest, to: Math.min(options.fromRevision ?? last, last), notBefore, limit })
      : this.sql.forwards.all({ streamId, from: Math.max(options.fromRevision ?? 0, lowest), to: last, notBefore, limit });
    return (rows as EventRow[]).map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.selectAll(options.afterPosition ?? 0, options.filter, options.maxCount ?? NO_LIMIT);
  }

  async readEvents(options: ReadEventsOptions): Promise<RecordedEvent[]> {
    return this.eventRows<EventRow>(options, 'rows').map(toRecordedEvent);
  }

  async readEncodedEvents(options: ReadEventsOptions): Promise<EncodedEvent[]> {
    // Rows as arrays: an export reads the whole log, and better-sqlite3 builds arrays a third faster than objects.
    return this.eventRows<EventTuple>(options, 'tuples').map(toEncodedEvent);
  }

  private eventRows<Row extends EventRow | EventTuple>(options: ReadEventsOptions, shape: 'rows' | 'tuples'): Row[] {
    const sql = eventReadSql(options.filter ?? {}, options);
    const order = options.direction === 'backwards' ? 'DESC' : 'ASC';
    const statement = this.eventRead(`${shape}:${order}:${sql.shape}`, `SELECT ${EVENT_COLUMNS} FROM events WHERE ${sql.where} ORDER BY position ${order} LIMIT @limit`, shape === 'tuples');
    return statement.all({ ...sql.params, limit: options.limit }) as Row[];
  }

  async countEvents(options: Omit<ReadEventsOptions, 'direction' | 'limit'>): Promise<number> {
    const sql = eventReadSql(options.filter ?? {}, options);
    const statement = this.eventRead(`count:${sql.shape}`, `SELECT count(*) AS n FROM events WHERE ${sql.where}`);
    return (statement.get(sql.params) as { n: number }).n;
  }

  subscribeToAll(options: SubscribeOptions = {}): AllSubscription {
    const subscription: AllSubscription = new CatchUpSubscription({
      afterPosition: options.afterPosition ?? 0,
      readPage: (after) => this.pageTx(after, options.filter),
      signal: this.signal,
      pollIntervalMs: this.pollIntervalMs,
      onEnd: () => this.subscriptions.delete(subscription),
    });
    this.subscriptions.add(subscription);
    return subscription;
  }

  async headPosition(): Promise<number> {
    return this.head();
  }

  async deleteStream(streamId: string, options: { expected?: ExpectedRevision; tombstone?: boolean } = {}): Promise<void> {
    this.deleteTx.immediate(streamId, options.expected ?? 'any', options.tombstone ?? false);
  }

  async setStreamMetadata(streamId: string, metadata: StreamMetadata): Promise<void> {
    if (this.streamRow(streamId)?.tombstoned) throw new StreamDeleted(streamId);
    this.sql.setMetadata.run(streamId, JSON.stringify(metadata));
  }

  async getStreamMetadata(streamId: string): Promise<StreamMetadata> {
    return parseMetadata(this.streamRow(streamId)?.metadata ?? null);
  }

  /** Ends this store's subscriptions; the database handle stays open for its owner to close. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
  }

  private eventRead(key: string, sql: string, tuples = false): Statement {
    let statement = this.eventReads.get(key);
    if (!statement) {
      statement = this.db.prepare(sql);
      if (tuples) statement.raw(true);
      this.eventReads.set(key, statement);
    }
    return statement;
  }

  private appendInTx(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision) {
    const stream = this.streamRow(streamId);
    if (stream?.tombstoned) throw new StreamDeleted(streamId);
    const retried = this.findRetriedAppend(streamId, events, expected, stream);
    if (retried) return { result: retried, written: false };
    checkExpected(streamId, expected, stream);

    let revision = stream?.revision ?? -1;
    if (events.length === 0) return { result: { revision, position: this.head() }, written: false };
    let position = 0;
    const recordedAt = this.clock.now().toISOString();
    for (const event of events) {
      revision++;
      const inserted = this.sql.insertEvent.run({
        id: event.id,
        streamId,
        revision,
        type: event.type,
        data: JSON.stringify(event.data),
        metadata: JSON.stringify(event.metadata),
        recordedAt,
      });
      position = Number(inserted.lastInsertRowid);
    }
    this.sql.setRevision.run(streamId, revision);
    return { result: { revision, position }, written: true };
  }

  /**
   * A retry carries the same ids as an append that already committed: answer with that append's
   * result instead of writing again, whatever revision the retry expected. Ids that exist but are
   * not that same run of events in this stream are a conflict.
   */
  private findRetriedAppend(
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
    stream: StreamRow | undefined,
  ): AppendResult | undefined {
    if (events.length === 0) return undefined;
    const ids = events.map((event) => event.id);
    if (new Set(ids).size !== ids.length) throw new Error(`Append to ${streamId} repeats an event id`);
    const [first] = this.sql.eventIdsIn.all(JSON.stringify(ids)) as { stream_id: string; revision: number }[];
    if (!first) return undefined;
    if (first.stream_id === streamId) {
      const stored = this.sql.forwards.all({
        streamId, from: first.revision, to: first.revision + ids.length - 1, notBefore: '', limit: ids.length,
      }) as EventRow[];
      if (stored.length === ids.length && stored.every((row, i) => row.event_id === ids[i])) {
        const last = stored[stored.length - 1];
        return { revision: last.revision, position: last.position };
      }
    }
    throw new WrongExpectedVersion(streamId, expected, currentRevision(stream));
  }

  private deleteInTx(streamId: string, expected: ExpectedRevision, tombstone: boolean): void {
    const stream = this.streamRow(streamId);
    if (stream?.tombstoned) throw new StreamDeleted(streamId);
    checkExpected(streamId, expected, stream);
    if (tombstone) this.sql.tombstone.run(streamId);
    else if (currentRevision(stream) < 0) throw new StreamNotFound(streamId);
    else this.sql.softDelete.run(streamId);
  }

  /** The stream's row when it has readable history; the port's errors otherwise. */
  private liveStream(streamId: string): StreamRow {
    const stream = this.streamRow(streamId);
    if (stream?.tombstoned) throw new StreamDeleted(streamId);
    if (!stream || currentRevision(stream) < 0) throw new StreamNotFound(streamId);
    return stream;
  }

  private streamRow(streamId: string): StreamRow | undefined {
    return this.sql.stream.get(streamId) as StreamRow | undefined;
  }

  private selectAll(after: number, filter: AllFilter | undefined, limit: number): RecordedEvent[] {
    const rows = this.sql.all.all({
      after,
      prefixes: nonEmptyJson(filter?.streamPrefixes),
      types: nonEmptyJson(filter?.eventTypes),
      limit,
    }) as EventRow[];
    return rows.map(toRecordedEvent);
  }

  private head(): number {
    return (this.sql.head.get() as { head: number }).head;
  }
}

/**
 * The revision expectations are judged against: -1 for a stream that was never written, has only
 * metadata, or is soft-deleted (it reads as not found, so `no_stream` fits it, as in EventStoreDB;
 * its revisions still go on from the old last one).
 */
function currentRevision(stream: StreamRow | undefined): number {
  if (!stream) return -1;
  const softDeleted = stream.deleted_before !== null && stream.deleted_before > stream.revision;
  return softDeleted ? -1 : stream.revision;
}

function checkExpected(streamId: string, expected: ExpectedRevision, stream: StreamRow | undefined): void {
  const actual = currentRevision(stream);
  const met =
    expected === 'any' ||
    (expected === 'no_stream' && actual === -1) ||
    (expected === 'stream_exists' && actual >= 0) ||
    expected === actual;
  if (!met) throw new WrongExpectedVersion(streamId, expected, actual);
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.event_id,
    streamId: row.stream_id,
    revision: row.revision,
    position: row.position,
    type: row.type,
    data: JSON.parse(row.data) as object,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
  };
}

/** Stored as `JSON.stringify` wrote it, so the text is what encoding the decoded event would give. */
function toEncodedEvent([position, id, streamId, revision, type, dataJson, metadataJson, recordedAt]: EventTuple): EncodedEvent {
  return { id, streamId, revision, position, type, dataJson, metadataJson, recordedAt };
}

function parseMetadata(json: string | null): StreamMetadata {
  return json === null ? {} : (JSON.parse(json) as StreamMetadata);
}

/** An empty list filters nothing, like an absent one. */
function nonEmptyJson(values: readonly string[] | undefined): string | null {
  return values && values.length > 0 ? JSON.stringify(values) : null;
}
