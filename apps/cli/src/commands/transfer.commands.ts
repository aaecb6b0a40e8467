import type { Command } from 'commander';
import { CliError, EXIT } from '../client/cli-error.js';
import type { TransferFlags } from './transfer.flags.js';

/** Where a command without --from/--to reads or writes: the configured store (scripts), or nowhere (the CLI asks). */
export type ConfiguredStore = (() => string) | null;

function filterOptions(command: Command): Command {
  return command
    .option('--category <name...>', 'only these stream categories (prompt, run, job, queue, batchplan, idempotency)')
    .option('--type <type...>', 'only these event types')
    .option('--stream <id...>', 'only these streams')
    .option('--correlation-id <id>', 'only what one command caused')
    .option('--after <position>', 'start after this log position (resume an export or copy)');
}

/**
 * `export` (from a store), `import` and `copy` on an event store's log, for `npm run events` and
 * `cosmos events`: defined here, run by transfer.actions.ts, loaded only when one runs.
 */
export function addTransferCommands(parent: Command, configuredStore: ConfiguredStore, options: { storeExport: boolean }): void {
  const actions = () => import('./transfer.actions.js');
  const store = (flag: string | undefined, what: string): string => {
    const address = flag ?? configuredStore?.();
    if (address === undefined) throw new CliError(EXIT.usage, `name the store to ${what} (a SQLite file, or esdb://…)`);
    return address;
  };
  if (options.storeExport) {
    filterOptions(
      parent
        .command('export')
        .description('Write the log, or the part a filter selects, as NDJSON.')
        .option('--from <store>', 'event store to read: a SQLite file, or esdb://… (default: the configured one)')
        .option('-o, --out <file>', 'file to write (default: standard output); .gz compresses')
        .option('--gzip', 'compress with gzip')
        .addHelpText('after', '\nExample:\n  npm run events -- export --category job --out jobs.ndjson.gz'),
    ).action(async (flags: TransferFlags) => (await actions()).exportStore(store(flags.from, 'read with --from'), flags));
  }
  parent
    .command('import')
    .description('Append the events of an NDJSON file (gzipped or not) to an event store, keeping ids, revisions and metadata.')
    .argument('<file>', 'NDJSON file, or - for standard input')
    .option('--to <store>', `event store to write: a SQLite file, or esdb://…${configuredStore ? ' (default: the configured one, with the service stopped)' : ''}`)
    .option('--append', 'write into a store that already has events; events it already holds are skipped (resumes an import)')
    .addHelpText('after', '\nExample:\n  cosmos events import backup.ndjson.gz --to restored.db')
    .action(async (file: string, flags: TransferFlags) => (await actions()).importFile(file, store(flags.to, 'write with --to'), flags));
  filterOptions(
    parent
      .command('copy')
      .description('Copy events from one event store to another (SQLite file → EventStoreDB and back), in order, nothing twice.')
      .requiredOption('--from <store>', 'source: a SQLite file, or esdb://…')
      .requiredOption('--to <store>', 'target: a SQLite file, or esdb://…')
      .option('--append', 'write into a target that already has events; events it already holds are skipped (resumes a copy)')
      .addHelpText('after', "\nExample:\n  cosmos events copy --from data/cosmos.db --to 'esdb://127.0.0.1:2113?tls=false'"),
  ).action(async (flags: TransferFlags & { from: string; to: string }) => (await actions()).copyStores(flags.from, flags.to, flags));
}
