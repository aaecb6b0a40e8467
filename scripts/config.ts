import { Command } from 'commander';
import { ConfigError, describeConfig, loadConfig, redactedConfig } from '../libs/config/src/index.js';

/**
 * `npm run config -- show`: the configuration this working directory and environment give, as
 * the service would load it (cosmos.toml, then environment variables), with connection-string
 * passwords hidden so the output can be pasted into an issue. `npm run config -- keys` lists
 * every setting. The `cosmos` CLI will wrap both.
 */

const program = new Command('config').description('Show the configuration Cosmos Workflow would start with.');

program
  .command('show')
  .description('Print the effective configuration as JSON, secrets redacted; exit 2 with every problem if it would not load.')
  .addHelpText('after', '\nExamples:\n  npm run config -- show\n  COSMOS_PORT=4000 npm run config -- show')
  .action(() => {
    try {
      process.stdout.write(`${JSON.stringify(redactedConfig(loadConfig()), null, 2)}\n`);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      process.stderr.write(`config: invalid configuration\n${error.message}\n`);
      process.exitCode = 2;
    }
  });

program
  .command('keys')
  .description('List every setting: its key, type, default, environment variable and meaning (Markdown).')
  .action(() => {
    process.stdout.write(describeConfig());
  });

program.parse();
