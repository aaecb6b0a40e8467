import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import type { EncodedEvent, EventMetadata, EventStore, RecordedEvent } from '../../../eventstore/src/index.js';
import { exportEncodedPages, type ExportOptions } from './event-transfer.js';

/**
 * One exported event per line, as stored (payload not upcast, so a copy is the history itself),
 * with its place in its stream and in the source log. Keys are short and stable: this is a file
 * format other tools read.
 */
export interface EventLine {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  readonly type: string;
  readonly data: object;
  readonly metadata: EventMetadata;
  readonly recordedAt: string;
}

export function toNdjsonLine(event: RecordedEvent): string {
  const line: EventLine = {
    id: event.id,
    stream: event.streamId,
    revision: event.revision,
    position: event.position,
    type: event.type,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt,
  };
  return `${JSON.stringify(line)}\n`;
}

/**
 * A page of events as NDJSON bytes, the lines `toNdjsonLine` makes (keys in EventLine order)
 * spliced from the stored JSON text: payloads are neither decoded nor encoded again, and each
 * piece is written straight into one buffer, so exporting runs at about the store's own speed.
 */
export function encodedNdjsonPage(page: readonly EncodedEvent[]): Buffer {
  const text = JSON.stringify;
  const heads: string[] = [];
  const tails: string[] = [];
  let units = 0;
  for (const event of page) {
    const head = `{"id":${text(event.id)},"stream":${text(event.streamId)},"revision":${event.revision},"position":${event.position},"type":${text(event.type)},"data":`;
    const tail = `,"recordedAt":${text(event.recordedAt)}}\n`;
    heads.push(head);
    tails.push(tail);
    units += head.length + event.dataJson.length + METADATA_KEY.length + event.metadataJson.length + tail.length;
  }
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so this always fits; the slack goes with the page.
  const bytes = Buffer.allocUnsafe(units * 3);
  let at = 0;
  page.forEach((event, i) => {
    at += bytes.write(heads[i]!, at);
    at += bytes.write(event.dataJson, at);
    at += bytes.write(METADATA_KEY, at);
    at += bytes.write(event.metadataJson, at);
    at += bytes.write(tails[i]!, at);
  });
  return bytes.subarray(0, at);
}

const METADATA_KEY = ',"metadata":';

export interface WrittenSoFar {
  readonly events: number;
  /** Of the last event written: resume after it. */
  readonly position: number | null;
}

/**
 * Writes the export to `sink` as NDJSON, one write per page read, and waits for `drain` whenever
 * the sink is full: a slow reader slows the read, and memory stays about one page. The sink is
 * left open (the caller ends it, or destroys it on an error).
 */
export async function writeNdjson(
  store: EventStore,
  sink: Writable,
  options: ExportOptions & { readonly onPage?: (written: WrittenSoFar) => void } = {},
): Promise<WrittenSoFar> {
  let written: WrittenSoFar = { events: 0, position: null };
  for await (const page of exportEncodedPages(store, options)) {
    const full = !sink.write(encodedNdjsonPage(page));
    written = { events: written.events + page.length, position: page[page.length - 1]!.position };
    options.onPage?.(written);
    if (full) await once(sink, 'drain', { signal: options.signal });
  }
  return written;
}

export class MalformedEventLine extends Error {
  constructor(readonly lineNumber: number, problem: string) {
    super(`line ${lineNumber}: ${problem}`);
    this.name = 'MalformedEventLine';
  }
}

export function parseNdjsonLine(text: string, lineNumber: number): RecordedEvent {
  let line: Partial<EventLine>;
  try {
    line = JSON.parse(text) as Partial<EventLine>;
  } catch (error) {
    throw new MalformedEventLine(lineNumber, `not JSON (${(error as Error).message})`);
  }
  const missing = (['id', 'stream', 'type'] as const).filter((key) => typeof line[key] !== 'string' || line[key] === '');
  if (missing.length > 0) throw new MalformedEventLine(lineNumber, `needs a non-empty ${missing.join(', ')}`);
  if (!Number.isSafeInteger(line.revision) || line.revision! < 0) throw new MalformedEventLine(lineNumber, 'needs a revision ≥ 0');
  if (typeof line.data !== 'object' || line.data === null) throw new MalformedEventLine(lineNumber, 'needs an object as data');
  const metadata = line.metadata as Partial<EventMetadata> | undefined;
  if (typeof metadata !== 'object' || metadata === null || typeof metadata.occurredAt !== 'string' || typeof metadata.correlationId !== 'string') {
    throw new MalformedEventLine(lineNumber, 'needs metadata with occurredAt and correlationId');
  }
  return {
    id: line.id!,
    streamId: line.stream!,
    revision: line.revision!,
    position: Number.isSafeInteger(line.position) ? line.position! : 0,
    type: line.type!,
    data: line.data,
    metadata: metadata as EventMetadata,
    recordedAt: typeof line.recordedAt === 'string' ? line.recordedAt : metadata.occurredAt,
  };
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** The events of an NDJSON stream, gzipped or not (told by its first bytes); blank lines are skipped. */
export async function* readNdjson(input: Readable): AsyncGenerator<RecordedEvent> {
  const text = await ungzipped(input);
  let lineNumber = 0;
  for await (const line of createInterface({ input: text, crlfDelay: Infinity })) {
    lineNumber++;
    if (line.trim() === '') continue;
    yield parseNdjsonLine(line, lineNumber);
  }
}

/** Peeks at the first chunk to choose: the bytes, or the bytes through gunzip. */
async function ungzipped(input: Readable): Promise<Readable> {
  const iterator = input[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  const rest = new PassThrough();
  void (async () => {
    try {
      if (head.length > 0) rest.write(head);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (!rest.write(next.value)) await new Promise((resolve) => rest.once('drain', resolve));
      }
      rest.end();
    } catch (error) {
      rest.destroy(error as Error);
    }
  })();
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  return gzipped ? rest.pipe(createGunzip()) : rest;
}
