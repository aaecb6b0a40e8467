import { Command } from 'commander';
import { loadConfig } from '../libs/config/src/index.js';
import { addTransferCommands } from '../apps/cli/src/commands/transfer.commands.js';

/**
 * `npm run events -- export|import|copy …`: the event log as NDJSON, in and out, and copied
 * between any two event stores, with the configured store as the default. `cosmos events` runs
 * the same commands (import and copy; its export goes through the service).
 */

/** The configured store (cosmos.toml + environment) when no address is given. */
function configuredStore(): string {
  const config = loadConfig();
  return config.storage.mode === 'embedded' ? config.storage.sqlitePath : config.storage.eventstoreConnectionString;
}

const program = new Command('events')
  .description('Export, import and copy the Cosmos event log (NDJSON, one event per line with its metadata).')
  .showHelpAfterError();
addTransferCommands(program, configuredStore, { storeExport: true });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`\nevents: ${(error as Error).message ?? String(error)}\n`);
  process.exit(1);
});
