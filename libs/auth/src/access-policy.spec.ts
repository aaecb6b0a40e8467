import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../config/src/index.js';
import { AccessPolicy, isLoopback, LOCAL_PRINCIPAL } from './access-policy.js';
import { Unauthenticated } from './auth.errors.js';
import { roleCovers } from './roles.js';
import { mintToken, tokenDigest, TokenBook } from './tokens.js';

const server = (host: string) => ({ host });
const auth = (overrides: Partial<{ required: boolean; tokensFile: string; tokens: { name: string; role: 'viewer' | 'operator' | 'admin'; sha256: string }[] }> = {}) => ({
  required: false,
  tokensFile: '',
  tokens: [],
  ...overrides,
});

describe('tokens', () => {
  it('mints distinct prefixed tokens, and a book knows each by its digest only', () => {
    const [ana, ben] = [mintToken(), mintToken()];
    expect(ana).toMatch(/^cw_[A-Za-z0-9_-]{43}$/);
    expect(ana).not.toBe(ben);
    const book = new TokenBook([{ name: 'ana', role: 'operator', sha256: tokenDigest(ana) }]);
    expect(book.identify(ana)).toEqual({ name: 'ana', role: 'operator', authenticated: true });
    expect(book.identify(ben)).toBeNull();
    expect(book.identify(`${ana} `)).toBeNull();
  });

  it('ranks roles: admin covers operator covers viewer, never the other way', () => {
    expect(roleCovers('admin', 'operator')).toBe(true);
    expect(roleCovers('operator', 'viewer')).toBe(true);
    expect(roleCovers('viewer', 'operator')).toBe(false);
    expect(roleCovers('operator', 'admin')).toBe(false);
  });
});

describe('AccessPolicy', () => {
  it('trusts the local user on loopback with no tokens, whatever is presented', () => {
    const policy = AccessPolicy.fromConfig({ server: server('127.0.0.1'), auth: auth() });
    expect(policy.open).toBe(true);
    expect(policy.authenticate(undefined)).toBe(LOCAL_PRINCIPAL);
    expect(policy.authenticate('Bearer whatever')).toBe(LOCAL_PRINCIPAL);
  });

  it('refuses to start beyond loopback, or with auth.required, when no tokens are configured, saying how to mint one', () => {
    expect(() => AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth() })).toThrow(ConfigError);
    expect(() => AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth() })).toThrow(/npm run token -- create NAME --role admin/);
    expect(() => AccessPolicy.fromConfig({ server: server('127.0.0.1'), auth: auth({ required: true }) })).toThrow(/auth.required is on and no tokens/);
    expect(isLoopback('127.0.0.2')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('10.0.0.5')).toBe(false);
  });

  it('tells a missing token from a malformed header and from a token nobody issued', () => {
    const token = mintToken();
    const policy = AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth({ tokens: [{ name: 'ops', role: 'admin', sha256: tokenDigest(token) }] }) });
    expect(policy.authenticate(`Bearer ${token}`)).toMatchObject({ name: 'ops', role: 'admin' });
    expect(policy.authenticate(`bearer ${token}`)).toMatchObject({ name: 'ops' });
    const reason = (presented: unknown) => {
      try {
        policy.authenticate(presented);
      } catch (error) {
        return error instanceof Unauthenticated ? error.details.reason : `unexpected ${String(error)}`;
      }
      return 'accepted';
    };
    expect(reason(undefined)).toBe('missing');
    expect(reason(token)).toBe('malformed');
    expect(reason(`Basic ${token}`)).toBe('malformed');
    expect(reason(`Bearer ${mintToken()}`)).toBe('unknown');
    expect(reason(['Bearer', token])).toBe('malformed');
  });

  it('adds the tokens of a tokens file, checked like cosmos.toml, and refuses a name used twice', () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokens-'));
    const file = join(folder, 'tokens.toml');
    const token = mintToken();
    writeFileSync(file, `[[tokens]]\nname = "compose-admin"\nrole = "admin"\nsha256 = "${tokenDigest(token)}"\n`);
    const policy = AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth({ tokensFile: file }) });
    expect(policy.authenticate(`Bearer ${token}`)).toMatchObject({ name: 'compose-admin', role: 'admin' });

    const twice = auth({ tokensFile: file, tokens: [{ name: 'compose-admin', role: 'viewer', sha256: tokenDigest(mintToken()) }] });
    expect(() => AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: twice })).toThrow(/"compose-admin" is used twice/);
    writeFileSync(file, '[[tokens]]\nname = "x"\nrole = "root"\nsha256 = "nope"\n');
    expect(() => AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth({ tokensFile: file }) })).toThrow(/tokens\[0\]\.role must be one of viewer, operator, admin/);
    expect(() => AccessPolicy.fromConfig({ server: server('0.0.0.0'), auth: auth({ tokensFile: join(folder, 'absent.toml') }) })).toThrow(/cannot be read/);
  });
});
