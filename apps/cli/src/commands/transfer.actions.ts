import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { copyEvents, importEvents, type OpenedStore, openStoreAt, readNdjson, type TransferProgress, transferFilter, writeNdjson, type WrittenSoFar } from '../../../../libs/history/src/index.js';
import type { TransferFlags } from './transfer.flags.js';

/** One line on stderr, rewritten in place at a terminal, every few seconds otherwise. */
class ProgressLine {
  private readonly started = Date.now();
  private last = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly verb: string, private readonly total: number | null) {}

  update(progress: TransferProgress, final = false): void {
    const now = Date.now();
    if (!final && now - this.last < (this.tty ? 200 : 5000)) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = Math.round(progress.read / seconds).toLocaleString('en');
    const of = this.total === null ? '' : ` of ${this.total.toLocaleString('en')} (${this.total === 0 ? 100 : Math.min(100, (progress.read / this.total) * 100).toFixed(1)}%)`;
    const skipped = progress.skipped > 0 ? `, ${progress.skipped.toLocaleString('en')} already there` : '';
    const line = `${this.verb} ${progress.read.toLocaleString('en')} events${of}, ${progress.written.toLocaleString('en')} written${skipped}, ${rate} events/s, position ${progress.position}`;
    process.stderr.write(this.tty ? `\r${line}\x1b[K${final ? '\n' : ''}` : `${line}\n`);
  }
}

function filterOf(flags: TransferFlags) {
  return transferFilter({ categories: flags.category, eventTypes: flags.type, streamIds: flags.stream, correlationId: flags.correlationId });
}

function afterOf(flags: TransferFlags): number | undefined {
  if (flags.after === undefined) return undefined;
  if (!/^\d{1,16}$/.test(flags.after)) throw new Error(`--after must be a log position, got ${flags.after}`);
  return Number(flags.after);
}

async function withStore<T>(address: string, use: (opened: OpenedStore) => Promise<T>): Promise<T> {
  const opened = await openStoreAt(address);
  try {
    return await use(opened);
  } finally {
    await opened.close();
  }
}

/** Writes the log (or the filter's part) of a store as NDJSON to a file or stdout. */
export async function exportStore(address: string, flags: TransferFlags): Promise<void> {
  const filter = filterOf(flags);
  await withStore(address, async ({ store }) => {
    const total = await store.countEvents({ filter, afterPosition: afterOf(flags) });
    const progress = new ProgressLine('exported', total);
    const file: Writable = flags.out && flags.out !== '-' ? createWriteStream(flags.out) : process.stdout;
    const gzip = flags.gzip === true || flags.out?.endsWith('.gz') === true;
    const sink: Writable = gzip ? createGzip() : file;
    if (gzip) sink.pipe(file);
    const soFar = ({ events, position }: WrittenSoFar): TransferProgress => ({ read: events, written: events, skipped: 0, position: position ?? 0 });
    const done = await writeNdjson(store, sink, { filter, afterPosition: afterOf(flags), onPage: (written) => progress.update(soFar(written)) });
    sink.end();
    if (file !== process.stdout) await once(file, 'finish');
    progress.update(soFar(done), true);
  });
}

/** Appends an NDJSON file's events to a store, keeping ids, revisions and metadata. */
export async function importFile(file: string, address: string, flags: TransferFlags): Promise<void> {
  await withStore(address, async ({ store }) => {
    const progress = new ProgressLine('imported', null);
    const input = file === '-' ? process.stdin : createReadStream(file);
    const done = await importEvents(store, readNdjson(input), { append: flags.append, onProgress: (p) => progress.update(p) });
    progress.update(done, true);
  });
}

/** Copies one store's events (or the filter's part) into another, in order, nothing twice. */
export async function copyStores(fromAddress: string, toAddress: string, flags: TransferFlags): Promise<void> {
  const filter = filterOf(flags);
  await withStore(fromAddress, ({ store: from }) =>
    withStore(toAddress, async ({ store: to }) => {
      const progress = new ProgressLine('copied', await from.countEvents({ filter, afterPosition: afterOf(flags) }));
      const done = await copyEvents(from, to, { filter, afterPosition: afterOf(flags), append: flags.append, onProgress: (p) => progress.update(p) });
      progress.update(done, true);
    }),
  );
}
