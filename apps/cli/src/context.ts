import { readFileSync } from 'node:fs';
import { CliError, EXIT } from './client/cli-error.js';
import { ServiceClient } from './client/service-client.js';
import { Terminal } from './output/terminal.js';

/** The options every command takes (commander's global options). */
export interface GlobalOptions {
  readonly url?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly timeout?: string;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';
const DEFAULT_TIMEOUT_MS = 30_000;

/** What a command works with: the service and the terminal. */
export interface CommandContext {
  readonly client: ServiceClient;
  readonly out: Terminal;
}

/** Flags beat the environment: --url, COSMOS_URL; --token, --token-file, COSMOS_TOKEN, COSMOS_TOKEN_FILE; --timeout (ms). */
export function contextOf(options: GlobalOptions, json: boolean, env: NodeJS.ProcessEnv = process.env): CommandContext {
  const url = options.url ?? env.COSMOS_URL ?? DEFAULT_URL;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new CliError(EXIT.usage, `--url must be an http(s) URL, e.g. ${DEFAULT_URL} (got ${JSON.stringify(url)})`);
  const timeoutMs = options.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(options.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) throw new CliError(EXIT.usage, `--timeout is milliseconds, a whole number ≥ 1 (got ${JSON.stringify(options.timeout)})`);
  return { client: new ServiceClient({ url, token: tokenOf(options, env), timeoutMs }), out: new Terminal(json) };
}

function tokenOf(options: GlobalOptions, env: NodeJS.ProcessEnv): string | null {
  if (options.token !== undefined) return options.token.trim();
  const file = options.tokenFile ?? env.COSMOS_TOKEN_FILE;
  if (file !== undefined && file !== '') {
    try {
      return readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new CliError(EXIT.usage, `cannot read the token file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const token = env.COSMOS_TOKEN?.trim();
  return token === undefined || token === '' ? null : token;
}
