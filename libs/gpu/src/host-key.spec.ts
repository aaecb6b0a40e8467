import { generateKeyPairSync } from 'node:crypto';
import {
  hostKeyAlgorithms,
  hostKeyFingerprint,
  judgeHostKey,
  keyTypeOf,
  knownHostsLine,
  normalizeFingerprint,
  parseKnownHosts,
} from './host-key.js';

// A host key made by `ssh-keygen -t ed25519`, its fingerprint as `ssh-keygen -lf` printed it, and
// the known_hosts line for [127.0.0.1]:2222 after `ssh-keygen -H` hashed it.
const KEY_BASE64 = 'AAAAC3NzaC1lZDI1NTE5AAAAIK8HKXRCAXAqo3C/mfP+utTnElInXW8j85nEXXa2LF2Z';
const KEY = Buffer.from(KEY_BASE64, 'base64');
const FINGERPRINT = 'SHA256:tq/FajgzBTeWOW8ny85VdacXWCy2Sde0irEiCfd1POI';
const HASHED_LINE = `|1|WA06heG3AKc7pJt/+XHDpcqaceE=|DUSzktzMabmCJfYnD/ynwup5reQ= ssh-ed25519 ${KEY_BASE64}`;
const endpoint = { host: '127.0.0.1', port: 2222 };

function otherEd25519Key(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const length = (n: number) => Buffer.from([0, 0, 0, n]);
  return Buffer.concat([length(type.length), type, length(raw.length), raw]);
}

describe('host key fingerprints', () => {
  it('matches ssh-keygen -lf', () => {
    expect(hostKeyFingerprint(KEY)).toBe(FINGERPRINT);
    expect(keyTypeOf(KEY)).toBe('ssh-ed25519');
  });

  it('normalizes a configured fingerprint with or without padding', () => {
    expect(normalizeFingerprint(` ${FINGERPRINT}= `)).toBe(FINGERPRINT);
    expect(() => normalizeFingerprint('MD5:ab:cd')).toThrow(/SHA256/);
    expect(() => normalizeFingerprint(FINGERPRINT.slice(7))).toThrow(/SHA256/);
  });

  it('writes the known_hosts line OpenSSH writes for a non-standard port', () => {
    expect(knownHostsLine(endpoint, KEY)).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${KEY_BASE64}`);
    expect(knownHostsLine({ host: 'gpu1', port: 22 }, KEY)).toBe(`gpu1 ssh-ed25519 ${KEY_BASE64}`);
  });
});

describe('parseKnownHosts', () => {
  it('reads markers, skips comments and reports lines it cannot read', () => {
    const { entries, problems } = parseKnownHosts(
      ['# comment', '', HASHED_LINE, `@revoked gpu1 ssh-ed25519 ${KEY_BASE64}`, 'gpu2 ssh-rsa', `gpu3 ssh-rsa ${KEY_BASE64}`, `@bogus x ssh-ed25519 ${KEY_BASE64}`].join('\n'),
    );
    expect(entries.map((entry) => [entry.marker, entry.keyType])).toEqual([
      [null, 'ssh-ed25519'],
      ['@revoked', 'ssh-ed25519'],
    ]);
    expect(problems).toEqual([
      'known_hosts line 5: expected "hosts keytype base64-key"',
      'known_hosts line 6: the key is not a ssh-rsa key',
      'known_hosts line 7: unknown marker @bogus',
    ]);
  });
});

describe('judgeHostKey', () => {
  const other = otherEd25519Key();

  it('accepts the pinned fingerprint and refuses any other key as a mismatch', () => {
    expect(judgeHostKey(KEY, endpoint, { hostKeyFingerprint: FINGERPRINT })).toMatchObject({ accepted: true, by: 'FINGERPRINT' });
    expect(judgeHostKey(other, endpoint, { hostKeyFingerprint: FINGERPRINT, trustUnknownHostKey: true })).toMatchObject({
      accepted: false,
      reason: 'MISMATCH',
      fingerprint: hostKeyFingerprint(other),
    });
  });

  it('accepts a key known for this host and port, plain or hashed', () => {
    expect(judgeHostKey(KEY, endpoint, { knownHosts: HASHED_LINE })).toMatchObject({ accepted: true, by: 'KNOWN_HOSTS' });
    expect(judgeHostKey(KEY, endpoint, { knownHosts: knownHostsLine(endpoint, KEY) })).toMatchObject({ accepted: true });
    expect(judgeHostKey(KEY, endpoint, { knownHosts: `[127.0.0.*]:2222,gpu1 ssh-ed25519 ${KEY_BASE64}` })).toMatchObject({ accepted: true });
  });

  it('treats a key known only for another port or host as unknown', () => {
    const elsewhere = [knownHostsLine({ ...endpoint, port: 2223 }, KEY), `127.0.0.1 ssh-ed25519 ${KEY_BASE64}`].join('\n');
    expect(judgeHostKey(KEY, endpoint, { knownHosts: elsewhere })).toMatchObject({ accepted: false, reason: 'UNKNOWN' });
    expect(judgeHostKey(KEY, endpoint, { knownHosts: `[127.0.0.*]:2222,![127.0.0.1]:2222 ssh-ed25519 ${KEY_BASE64}` })).toMatchObject({
      reason: 'UNKNOWN',
    });
  });

  it('refuses a different key for a known host even when unknown keys are trusted', () => {
    expect(judgeHostKey(other, endpoint, { knownHosts: HASHED_LINE, trustUnknownHostKey: true })).toMatchObject({
      accepted: false,
      reason: 'MISMATCH',
    });
  });

  it('refuses a revoked key even when it is also pinned', () => {
    const knownHosts = `@revoked ${knownHostsLine(endpoint, KEY)}\n${HASHED_LINE}`;
    expect(judgeHostKey(KEY, endpoint, { knownHosts, hostKeyFingerprint: FINGERPRINT })).toMatchObject({ reason: 'REVOKED' });
  });

  it('refuses an unpinned key unless unknown keys are trusted', () => {
    expect(judgeHostKey(KEY, endpoint, {})).toEqual({ accepted: false, reason: 'UNKNOWN', fingerprint: FINGERPRINT, keyType: 'ssh-ed25519' });
    expect(judgeHostKey(KEY, endpoint, { trustUnknownHostKey: true })).toMatchObject({ accepted: true, by: 'TRUSTED_UNKNOWN' });
  });
});

describe('hostKeyAlgorithms', () => {
  it('offers only the algorithms of the key types known_hosts pins for this host', () => {
    // Only the type name inside a blob matters here.
    const rsaBlob = Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-rsa'), Buffer.alloc(8)]).toString('base64');
    const knownHosts = `[127.0.0.1]:2222 ssh-ed25519 ${KEY_BASE64}\n[127.0.0.1]:9 ssh-rsa ${rsaBlob}`;
    expect(hostKeyAlgorithms({ knownHosts: `[127.0.0.1]:2222 ssh-rsa ${rsaBlob}` }, endpoint)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithms({ knownHosts }, endpoint)).toEqual(['ssh-ed25519']);
    expect(hostKeyAlgorithms({ knownHosts, hostKeyFingerprint: FINGERPRINT }, endpoint)).toBeUndefined();
    expect(hostKeyAlgorithms({}, endpoint)).toBeUndefined();
  });
});
