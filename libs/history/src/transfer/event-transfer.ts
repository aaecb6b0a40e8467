import { type EncodedEvent, type EventFilter, type EventStore, type ReadEventsOptions, type RecordedEvent, StreamNotFound } from '../../../eventstore/src/index.js';

export interface ExportOptions {
  readonly filter?: EventFilter;
  /** Exclusive: resume an export after the last position it wrote. */
  readonly afterPosition?: number;
  /** Inclusive upper bound; absent: up to the head when each page is read. */
  readonly toPosition?: number;
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

const EXPORT_PAGE = 1000;

/** The log in position order, a page at a time: memory stays one page whatever the log's size. */
export function exportPages(store: EventStore, options: ExportOptions = {}): AsyncGenerator<readonly RecordedEvent[]> {
  return pagesOf((read) => store.readEvents(read), options);
}

/** The same pages with payloads left as JSON text, for writing them out as JSON. */
export function exportEncodedPages(store: EventStore, options: ExportOptions = {}): AsyncGenerator<readonly EncodedEvent[]> {
  return pagesOf((read) => store.readEncodedEvents(read), options);
}

async function* pagesOf<E extends { readonly position: number }>(
  readPage: (read: ReadEventsOptions) => Promise<E[]>,
  options: ExportOptions,
): AsyncGenerator<readonly E[]> {
  let after = options.afterPosition;
  const pageSize = options.pageSize ?? EXPORT_PAGE;
  const beforePosition = options.toPosition === undefined ? undefined : options.toPosition + 1;
  for (;;) {
    options.signal?.throwIfAborted();
    const page = await readPage({ filter: options.filter, direction: 'forwards', afterPosition: after, beforePosition, limit: pageSize });
    if (page.length > 0) yield page;
    if (page.length < pageSize) return;
    after = page[page.length - 1]!.position;
  }
}

/** The same, one event at a time. */
export async function* exportEvents(store: EventStore, options: ExportOptions = {}): AsyncGenerator<RecordedEvent> {
  for await (const page of exportPages(store, options)) yield* page;
}

export class TargetNotEmpty extends Error {
  constructor(head: number) {
    super(`the target event store is not empty (its head is at position ${head}); ask to append to it (--append), which also resumes an interrupted copy`);
    this.name = 'TargetNotEmpty';
  }
}

/** The target already holds a different history for a stream: copying on would interleave two. */
export class DivergentStream extends Error {
  constructor(streamId: string, revision: number, detail: string) {
    super(`stream ${streamId} at revision ${revision}: ${detail}`);
    this.name = 'DivergentStream';
  }
}

export interface TransferProgress {
  /** Events read from the source so far. */
  readonly read: number;
  readonly written: number;
  /** Already in the target (same id at the same revision): a resumed or repeated copy. */
  readonly skipped: number;
  /** Source position of the last event read. */
  readonly position: number;
}

export interface ImportOptions {
  /** Write into a store that already has events; without it a non-empty target is refused. */
  readonly append?: boolean;
  readonly onProgress?: (progress: TransferProgress) => void;
  readonly signal?: AbortSignal;
}

/** Consecutive events of one stream go in one append, up to this many. */
const APPEND_BATCH = 500;

/**
 * Writes events into `target` in the order given, keeping each one's id, stream, revision, type,
 * payload and metadata. Idempotent by id: an event the target already holds at the same revision
 * is skipped, so a retried or resumed import writes nothing twice; a different event there, or a
 * source stream that skips a revision, stops the import with the stream named.
 */
export async function importEvents(target: EventStore, events: AsyncIterable<RecordedEvent>, options: ImportOptions = {}): Promise<TransferProgress> {
  if (!options.append) {
    const head = await target.headPosition();
    if (head > 0) throw new TargetNotEmpty(head);
  }
  const revisions = new Map<string, number>();
  let progress: TransferProgress = { read: 0, written: 0, skipped: 0, position: 0 };
  let batch: RecordedEvent[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const streamId = batch[0]!.streamId;
    const known = revisions.get(streamId) ?? (await lastRevision(target, streamId));
    const present = batch.filter((event) => event.revision <= known);
    if (present.length > 0) await checkPresent(target, streamId, present);
    const fresh = batch.filter((event) => event.revision > known);
    if (fresh.length > 0) {
      fresh.forEach((event, i) => {
        const expected = known + 1 + i;
        if (event.revision !== expected) throw new DivergentStream(streamId, event.revision, `the source skips from revision ${expected - 1} to ${event.revision}`);
      });
      await target.append(
        streamId,
        fresh.map(({ id, type, data, metadata }) => ({ id, type, data, metadata })),
        known === -1 ? 'no_stream' : known,
      );
    }
    revisions.set(streamId, Math.max(known, batch[batch.length - 1]!.revision));
    progress = { ...progress, written: progress.written + fresh.length, skipped: progress.skipped + present.length };
    batch = [];
    options.onProgress?.(progress);
  };

  for await (const event of events) {
    options.signal?.throwIfAborted();
    if (batch.length > 0 && (batch[0]!.streamId !== event.streamId || batch.length >= APPEND_BATCH)) await flush();
    batch.push(event);
    progress = { ...progress, read: progress.read + 1, position: event.position };
  }
  await flush();
  return progress;
}

/** Copies one store's log (or the filtered part of it) into another, as `importEvents` writes it. */
export function copyEvents(from: EventStore, to: EventStore, options: ImportOptions & Pick<ExportOptions, 'filter' | 'afterPosition'> = {}): Promise<TransferProgress> {
  return importEvents(to, exportEvents(from, { filter: options.filter, afterPosition: options.afterPosition, signal: options.signal }), options);
}

async function lastRevision(store: EventStore, streamId: string): Promise<number> {
  try {
    const [last] = await store.readStream(streamId, { direction: 'backwards', maxCount: 1 });
    return last?.revision ?? -1;
  } catch (error) {
    if (error instanceof StreamNotFound) return -1;
    throw error;
  }
}

async function checkPresent(store: EventStore, streamId: string, present: readonly RecordedEvent[]): Promise<void> {
  const stored = await store.readStream(streamId, { fromRevision: present[0]!.revision, maxCount: present[present.length - 1]!.revision - present[0]!.revision + 1 });
  const byRevision = new Map(stored.map((event) => [event.revision, event.id]));
  for (const event of present) {
    const id = byRevision.get(event.revision);
    if (id !== event.id) throw new DivergentStream(streamId, event.revision, `the target holds event ${id ?? '(none)'} there, the source ${event.id}`);
  }
}
