import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parse, TomlError } from 'smol-toml';
import { type AuthConfig, ConfigError, configSchema, layerRows, type ServerConfig } from '../../config/src/index.js';
import { Unauthenticated } from './auth.errors.js';
import type { Principal } from './roles.js';
import { TokenBook, type TokenEntry } from './tokens.js';

/** The one caller when nobody configured tokens on loopback: the person at this machine. */
export const LOCAL_PRINCIPAL: Principal = { name: 'local', role: 'admin', authenticated: false };

const MINT_HINT = 'mint one with `npm run token -- create NAME --role admin` and add the [[auth.tokens]] lines it prints to cosmos.toml';

/**
 * Who may call the service. On loopback with no tokens configured (and `auth.required` off) every
 * caller is the local admin, so `npm start` needs no set-up; otherwise every way in presents a token.
 */
export class AccessPolicy {
  private constructor(
    private readonly book: TokenBook,
    /** Every caller is LOCAL_PRINCIPAL. */
    readonly open: boolean,
  ) {}

  /** Refuses, as a configuration error, to serve beyond loopback (or with auth.required) without tokens. */
  static fromConfig(config: { readonly auth: AuthConfig; readonly server: Pick<ServerConfig, 'host'> }): AccessPolicy {
    const entries = [...config.auth.tokens, ...(config.auth.tokensFile === '' ? [] : readTokensFile(config.auth.tokensFile))];
    const duplicate = entries.find((entry, index) => entries.findIndex((other) => other.name === entry.name) !== index);
    if (duplicate) throw new ConfigError([`auth: the token name "${duplicate.name}" is used twice (cosmos.toml and ${config.auth.tokensFile}); names must be unique`]);
    const book = new TokenBook(entries);
    const loopback = isLoopback(config.server.host);
    if (book.size === 0 && !loopback) {
      throw new ConfigError([`server.host ${config.server.host} is reachable from other machines and no tokens are configured: ${MINT_HINT}, or bind 127.0.0.1`]);
    }
    if (book.size === 0 && config.auth.required) throw new ConfigError([`auth.required is on and no tokens are configured: ${MINT_HINT}`]);
    return new AccessPolicy(book, book.size === 0);
  }

  /** The caller an `Authorization` header (or a WebSocket's `authorization` parameter) names. */
  authenticate(authorization: unknown): Principal {
    if (this.open) return LOCAL_PRINCIPAL;
    if (authorization === undefined || authorization === null || authorization === '') throw new Unauthenticated('missing');
    const match = typeof authorization === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/i.exec(authorization) : null;
    if (!match) throw new Unauthenticated('malformed');
    const principal = this.book.identify(match[1]!);
    if (!principal) throw new Unauthenticated('unknown');
    return principal;
  }
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/** `[[tokens]]` tables, checked by the same rules as `[[auth.tokens]]` in cosmos.toml. */
function readTokensFile(file: string): TokenEntry[] {
  let parsed: Record<string, unknown>;
  try {
    parsed = parse(readFileSync(file, 'utf8'), { integersAsBigInt: true }) as Record<string, unknown>;
  } catch (error) {
    const why = error instanceof TomlError ? `is not valid TOML (${error.message.split('\n')[0]})` : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([`auth.tokens_file ${file} ${why}`]);
  }
  const problems: string[] = [];
  const unknown = Object.keys(parsed).filter((key) => key !== 'tokens');
  if (unknown.length > 0) problems.push(`${file}: only [[tokens]] tables belong here, found ${unknown.join(', ')}`);
  const rows = layerRows(`${file}: tokens`, configSchema.auth.tokens, parsed.tokens ?? [], (problem) => problems.push(problem));
  if (problems.length > 0 || rows === undefined) throw new ConfigError(problems);
  return rows.map((row) => ({ name: String(row.name), role: row.role as TokenEntry['role'], sha256: String(row.sha256) }));
}
