import { Command, Option } from 'commander';
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { loadConfig } from '../libs/config/src/index.js';
import { EVENT_TYPES, type EventFilter, EventTypeRegistry } from '../libs/eventstore/src/index.js';
import { checkFilter, copyEvents, importEvents, type OpenedStore, openStoreAt, readNdjson, type TransferProgress, writeNdjson, type WrittenSoFar } from '../libs/history/src/index.js';

/**
 * `npm run events -- export|import|copy …`: the event log as NDJSON, in and out, and copied
 * between any two event stores. The `cosmos events` CLI command wraps the same library.
 */

/** The configured store (cosmos.toml + environment) when no address is given. */
function configuredStore(): string {
  const config = loadConfig();
  return config.storage.mode === 'embedded' ? config.storage.sqlitePath : config.storage.eventstoreConnectionString;
}

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

interface FilterFlags {
  category?: string[];
  type?: string[];
  stream?: string[];
  correlationId?: string;
  after?: string;
}

function filterOf(flags: FilterFlags): EventFilter {
  const filter = checkFilter(new EventTypeRegistry(EVENT_TYPES), {
    ...(flags.category ? { categories: flags.category } : {}),
    ...(flags.type ? { eventTypes: flags.type } : {}),
    ...(flags.stream ? { streamIds: flags.stream } : {}),
    ...(flags.correlationId ? { correlationId: flags.correlationId } : {}),
  });
  return filter;
}

function afterOf(flags: FilterFlags): number | undefined {
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

function filterOptions(command: Command): Command {
  return command
    .option('--category <name...>', 'only these stream categories (prompt, run, job, queue, batchplan, idempotency)')
    .option('--type <type...>', 'only these event types')
    .option('--stream <id...>', 'only these streams')
    .option('--correlation-id <id>', 'only what one command caused')
    .option('--after <position>', 'start after this log position (resume an export or copy)');
}

const program = new Command('events')
  .description('Export, import and copy the Cosmos event log (NDJSON, one event per line with its metadata).')
  .showHelpAfterError();

filterOptions(
  program
    .command('export')
    .description('Write the log, or the part a filter selects, as NDJSON.')
    .option('--from <store>', 'event store to read: a SQLite file, or esdb://… (default: the configured one)')
    .option('-o, --out <file>', 'file to write (default: standard output); .gz compresses')
    .option('--gzip', 'compress with gzip')
    .addHelpText('after', '\nExample:\n  npm run events -- export --category job --out jobs.ndjson.gz'),
).action(async (flags: FilterFlags & { from?: string; out?: string; gzip?: boolean }) => {
  const filter = filterOf(flags);
  await withStore(flags.from ?? configuredStore(), async ({ store }) => {
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
});

program
  .command('import')
  .description('Append the events of an NDJSON file (gzipped or not) to an event store, keeping ids, revisions and metadata.')
  .argument('<file>', 'NDJSON file, or - for standard input')
  .option('--to <store>', 'event store to write: a SQLite file, or esdb://… (default: the configured one, with the service stopped)')
  .option('--append', 'write into a store that already has events; events it already holds are skipped (resumes an import)')
  .addHelpText('after', '\nExample:\n  npm run events -- import backup.ndjson.gz --to sqlite:restored.db')
  .action(async (file: string, flags: { to?: string; append?: boolean }) => {
    await withStore(flags.to ?? configuredStore(), async ({ store }) => {
      const progress = new ProgressLine('imported', null);
      const input = file === '-' ? process.stdin : createReadStream(file);
      const done = await importEvents(store, readNdjson(input), { append: flags.append, onProgress: (p) => progress.update(p) });
      progress.update(done, true);
    });
  });

filterOptions(
  program
    .command('copy')
    .description('Copy events from one event store to another (SQLite file → EventStoreDB and back), in order, nothing twice.')
    .requiredOption('--from <store>', 'source: a SQLite file, or esdb://…')
    .requiredOption('--to <store>', 'target: a SQLite file, or esdb://…')
    .option('--append', 'write into a target that already has events; events it already holds are skipped (resumes a copy)')
    .addHelpText('after', "\nExample:\n  npm run events -- copy --from data/cosmos.db --to 'esdb://127.0.0.1:2113?tls=false'"),
).action(async (flags: FilterFlags & { from: string; to: string; append?: boolean }) => {
  const filter = filterOf(flags);
  await withStore(flags.from, ({ store: from }) =>
    withStore(flags.to, async ({ store: to }) => {
      const progress = new ProgressLine('copied', await from.countEvents({ filter, afterPosition: afterOf(flags) }));
      const done = await copyEvents(from, to, { filter, afterPosition: afterOf(flags), append: flags.append, onProgress: (p) => progress.update(p) });
      progress.update(done, true);
    }),
  );
});

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`\nevents: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
