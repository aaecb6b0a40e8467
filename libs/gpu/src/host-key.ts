import { createHash, createHmac } from 'node:crypto';
import type { HostKeyRejection } from './gpu.errors.js';

/** How a node's host key is trusted. With none of the three set, every key is refused. */
export interface HostKeyPolicy {
  /** `SHA256:…` as `ssh-keygen -lf` prints it (the `=` padding may be left on or off). */
  readonly hostKeyFingerprint?: string;
  /** known_hosts text, one or more lines, hashed or plain host patterns. */
  readonly knownHosts?: string;
  /** Accept a key that nothing pins (logging its fingerprint); a key that contradicts a pin is still refused. */
  readonly trustUnknownHostKey?: boolean;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export type HostKeyVerdict =
  | { readonly accepted: true; readonly by: 'FINGERPRINT' | 'KNOWN_HOSTS' | 'TRUSTED_UNKNOWN'; readonly fingerprint: string; readonly keyType: string }
  | { readonly accepted: false; readonly reason: HostKeyRejection; readonly fingerprint: string; readonly keyType: string };

export interface KnownHostEntry {
  readonly marker: '@revoked' | '@cert-authority' | null;
  readonly hostPatterns: string;
  readonly keyType: string;
  readonly key: Buffer;
}

/** OpenSSH's fingerprint of a public key blob: `SHA256:` + unpadded base64 of its SHA-256. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The canonical form of a configured fingerprint; throws on anything that is not a SHA-256 one. */
export function normalizeFingerprint(text: string): string {
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(text.trim());
  if (!match) throw new TypeError(`not a SHA256 host key fingerprint (expected "SHA256:" + 43 base64 characters): ${JSON.stringify(text)}`);
  return `SHA256:${match[1]}`;
}

/** The algorithm name a public key blob starts with (`ssh-ed25519`, `ssh-rsa`, …). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const length = keyBlob.readUInt32BE(0);
  return length > 0 && length <= 64 && keyBlob.length >= 4 + length ? keyBlob.toString('latin1', 4, 4 + length) : 'unknown';
}

/** The known_hosts line OpenSSH writes for this endpoint and key. */
export function knownHostsLine(endpoint: Endpoint, keyBlob: Buffer): string {
  return `${hostName(endpoint)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** Lines OpenSSH would not understand are reported, not thrown: a pasted known_hosts may hold anything. */
export function parseKnownHosts(text: string): { entries: KnownHostEntry[]; problems: string[] } {
  const entries: KnownHostEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    const marker = fields[0]?.startsWith('@') ? fields.shift() : undefined;
    const [hostPatterns, keyType, keyBase64] = fields;
    if (marker !== undefined && marker !== '@revoked' && marker !== '@cert-authority') {
      problems.push(`known_hosts line ${index + 1}: unknown marker ${marker}`);
    } else if (!hostPatterns || !keyType || !keyBase64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(keyBase64)) {
      problems.push(`known_hosts line ${index + 1}: expected "hosts keytype base64-key"`);
    } else {
      const key = Buffer.from(keyBase64, 'base64');
      if (keyTypeOf(key) !== keyType) problems.push(`known_hosts line ${index + 1}: the key is not a ${keyType} key`);
      else entries.push({ marker: marker ?? null, hostPatterns, keyType, key });
    }
  });
  return { entries, problems };
}

/**
 * OpenSSH's rules (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): a matching `@revoked` key is refused
 * outright, a matching key for this host is accepted, any other key for a host that has a pin is
 * a mismatch, and a host without any pin is unknown. `@cert-authority` lines are not supported
 * and never match.
 */
export function judgeHostKey(keyBlob: Buffer, endpoint: Endpoint, policy: HostKeyPolicy): HostKeyVerdict {
  const fingerprint = hostKeyFingerprint(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const refuse = (reason: HostKeyRejection): HostKeyVerdict => ({ accepted: false, reason, fingerprint, keyType });
  const accept = (by: 'FINGERPRINT' | 'KNOWN_HOSTS' | 'TRUSTED_UNKNOWN'): HostKeyVerdict => ({ accepted: true, by, fingerprint, keyType });

  const forHost = entriesForHost(policy, endpoint);
  if (forHost.some((entry) => entry.marker === '@revoked' && entry.key.equals(keyBlob))) return refuse('REVOKED');
  const pinned = policy.hostKeyFingerprint === undefined ? undefined : normalizeFingerprint(policy.hostKeyFingerprint);
  if (pinned === fingerprint) return accept('FINGERPRINT');
  const plain = forHost.filter((entry) => entry.marker === null);
  if (plain.some((entry) => entry.key.equals(keyBlob))) return accept('KNOWN_HOSTS');
  if (pinned !== undefined || plain.length > 0) return refuse('MISMATCH');
  return policy.trustUnknownHostKey === true ? accept('TRUSTED_UNKNOWN') : refuse('UNKNOWN');
}

const ALGORITHMS_BY_KEY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms to offer so that a server holding several keys presents one that
 * known_hosts pins (otherwise ssh2 negotiates ed25519 first and an RSA-only pin looks like a
 * mismatch). Undefined leaves ssh2's default order.
 */
export function hostKeyAlgorithms(policy: HostKeyPolicy, endpoint: Endpoint): string[] | undefined {
  if (policy.hostKeyFingerprint !== undefined) return undefined;
  const types = new Set(entriesForHost(policy, endpoint).filter((entry) => entry.marker === null).map((entry) => entry.keyType));
  const algorithms = [...types].flatMap((type) => ALGORITHMS_BY_KEY_TYPE[type] ?? []);
  return algorithms.length > 0 ? algorithms : undefined;
}

function entriesForHost(policy: HostKeyPolicy, endpoint: Endpoint): KnownHostEntry[] {
  if (policy.knownHosts === undefined) return [];
  const name = hostName(endpoint);
  return parseKnownHosts(policy.knownHosts).entries.filter((entry) => hostPatternsMatch(entry.hostPatterns, name));
}

/** `host` on port 22, `[host]:port` elsewhere: the name known_hosts stores. */
function hostName({ host, port }: Endpoint): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

function hostPatternsMatch(patterns: string, name: string): boolean {
  let matched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern.startsWith('|1|')) {
      matched ||= hashedHostMatches(pattern, name);
    } else if (pattern.startsWith('!')) {
      if (globMatches(pattern.slice(1), name)) return false;
    } else {
      matched ||= globMatches(pattern, name);
    }
  }
  return matched;
}

/** `|1|salt|hash` with hash = HMAC-SHA1(salt, name), as `ssh-keygen -H` writes. */
function hashedHostMatches(pattern: string, name: string): boolean {
  const [, , salt, hash] = pattern.split('|');
  if (!salt || !hash) return false;
  return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
}

function globMatches(pattern: string, name: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 'i').test(name);
}
