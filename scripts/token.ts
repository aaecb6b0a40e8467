import { Command, Option } from 'commander';
import { appendFileSync, chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mintToken, type Role, ROLES, tokenDigest } from '../libs/auth/src/index.js';
import { acceptValue, configSchema, expectation } from '../libs/config/src/index.js';

/**
 * `npm run token -- create NAME --role ROLE`: mints a token, prints it once, and prints the
 * [[auth.tokens]] lines to add to cosmos.toml (the service keeps only the digest). The `cosmos`
 * CLI will wrap it.
 */

const program = new Command('token').description('Mint access tokens for Cosmos Workflow.');

program
  .command('create')
  .description('Mint a token: printed once, never stored; the service is told only its SHA-256.')
  .argument('<name>', 'who the token is: recorded as the actor of everything done with it')
  .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory())
  .option('--tokens-file <file>', 'append the [[tokens]] table to this file (auth.tokens_file) instead of printing it')
  .option('--token-out <file>', 'write the token itself to this file (mode 600) instead of standard output')
  .option('--if-absent', 'with --tokens-file: do nothing when a token of this name is already there (idempotent provisioning)')
  .addHelpText('after', '\nExamples:\n  npm run token -- create ana --role operator\n  npm run token -- create compose-admin --role admin --tokens-file data/tokens.toml --token-out data/admin.token --if-absent')
  .action((name: string, flags: { role: Role; tokensFile?: string; tokenOut?: string; ifAbsent?: boolean }) => {
    // The rule [[auth.tokens]] applies to `name`, so a minted line always loads.
    if (acceptValue(configSchema.auth.tokens.row.name, name) === undefined) throw new Error(`the name must be ${expectation(configSchema.auth.tokens.row.name, false)}, got ${JSON.stringify(name)}`);
    if (flags.ifAbsent && flags.tokensFile && existsSync(flags.tokensFile) && new RegExp(`^name = "${name.replace(/\./g, '\\.')}"$`, 'm').test(readFileSync(flags.tokensFile, 'utf8'))) {
      process.stderr.write(`token: ${name} is already in ${flags.tokensFile}; nothing minted\n`);
      return;
    }
    const token = mintToken();
    const table = (header: string) => `${header}\nname = "${name}"\nrole = "${flags.role}"\nsha256 = "${tokenDigest(token)}"\n`;
    if (flags.tokenOut) {
      writeFileSync(flags.tokenOut, `${token}\n`, { mode: 0o600 });
      chmodSync(flags.tokenOut, 0o600);
    } else {
      process.stdout.write(`Token for ${name} (${flags.role}), shown once; keep it secret:\n\n  ${token}\n\n`);
    }
    if (flags.tokensFile) {
      appendFileSync(flags.tokensFile, `\n${table('[[tokens]]')}`, { mode: 0o600 });
      process.stderr.write(`token: ${name} (${flags.role}) added to ${flags.tokensFile}${flags.tokenOut ? `; the token is in ${flags.tokenOut}` : ''}\n`);
    } else {
      process.stdout.write(`Add to cosmos.toml (or to the file auth.tokens_file names, as [[tokens]]):\n\n${table('[[auth.tokens]]')}\nThen call with: Authorization: Bearer <token>\n`);
    }
  });

try {
  program.parse();
} catch (error) {
  process.stderr.write(`token: ${(error as Error).message}\n`);
  process.exit(1);
}
