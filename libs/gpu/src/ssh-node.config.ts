import { posix } from 'node:path';
import { normalizeFingerprint, parseKnownHosts, type HostKeyPolicy } from './host-key.js';

export interface ReconnectPolicy {
  /** Connection attempts per call before SshUnavailable (at least 1). */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** One GPU host as configured. Secrets (the passphrase) are never logged or put in errors. */
export interface SshNodeConfig extends HostKeyPolicy {
  /** Names the node in logs, events and errors. */
  readonly name: string;
  readonly host: string;
  readonly port?: number;
  readonly user: string;
  readonly privateKeyPath: string;
  readonly passphrase?: string;
  /** Absolute remote folder that everything of ours lives under (bind-mounted at /workspace). */
  readonly remoteDir: string;
  /** docker needs `sudo -n` on this host. */
  readonly sudo?: boolean;
  readonly connectTimeoutMs?: number;
  readonly keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection counts as dead. */
  readonly keepaliveCountMax?: number;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /**
   * Commands running at once on the connection; more wait their turn. OpenSSH allows 10 sessions
   * per connection by default (MaxSessions): 8 for commands, one for SFTP, one spare to kill a
   * command that timed out.
   */
  readonly maxChannels?: number;
}

/** The config with defaults filled in, minus the passphrase, so that it can be logged or shown. */
export type ResolvedSshNode = Required<Omit<SshNodeConfig, 'passphrase' | 'reconnect' | keyof HostKeyPolicy>> &
  HostKeyPolicy & { readonly reconnect: ReconnectPolicy };

export const SSH_NODE_DEFAULTS = {
  port: 22,
  sudo: false,
  connectTimeoutMs: 10_000,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 4,
  maxChannels: 8,
  reconnect: { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
} as const;

/** Fills defaults and refuses a config that could never work, naming the node and the field. */
export function resolveSshNode(config: SshNodeConfig): ResolvedSshNode {
  const problem = (field: string, detail: string): never => {
    throw new TypeError(`GPU node ${JSON.stringify(config.name)}: ${field} ${detail}`);
  };
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(config.name ?? '')) problem('name', 'must be letters, digits, _ . -');
  if (!config.host) problem('host', 'is required');
  if (!config.user) problem('user', 'is required');
  if (!config.privateKeyPath) problem('privateKeyPath', 'is required');
  const port = config.port ?? SSH_NODE_DEFAULTS.port;
  if (!Number.isInteger(port) || port < 1 || port > 65535) problem('port', `${port} is not a TCP port`);
  const remoteDir = config.remoteDir && posix.normalize(config.remoteDir).replace(/(.)\/$/, '$1');
  if (!remoteDir?.startsWith('/') || remoteDir === '/' || remoteDir.includes('\0')) {
    problem('remoteDir', `${JSON.stringify(config.remoteDir)} must be an absolute folder other than /`);
  }
  let hostKeyFingerprint: string | undefined;
  try {
    if (config.hostKeyFingerprint !== undefined) hostKeyFingerprint = normalizeFingerprint(config.hostKeyFingerprint);
  } catch (error) {
    problem('hostKeyFingerprint', (error as Error).message);
  }
  if (config.knownHosts !== undefined && parseKnownHosts(config.knownHosts).entries.length === 0) {
    problem('knownHosts', `holds no usable line (${parseKnownHosts(config.knownHosts).problems.join('; ') || 'empty'})`);
  }
  const reconnect = { ...SSH_NODE_DEFAULTS.reconnect, ...config.reconnect };
  for (const [field, value, min] of [
    ['connectTimeoutMs', config.connectTimeoutMs ?? SSH_NODE_DEFAULTS.connectTimeoutMs, 1],
    ['keepaliveIntervalMs', config.keepaliveIntervalMs ?? SSH_NODE_DEFAULTS.keepaliveIntervalMs, 0],
    ['keepaliveCountMax', config.keepaliveCountMax ?? SSH_NODE_DEFAULTS.keepaliveCountMax, 1],
    ['maxChannels', config.maxChannels ?? SSH_NODE_DEFAULTS.maxChannels, 1],
    ['reconnect.maxAttempts', reconnect.maxAttempts, 1],
    ['reconnect.baseDelayMs', reconnect.baseDelayMs, 0],
    ['reconnect.maxDelayMs', reconnect.maxDelayMs, reconnect.baseDelayMs],
  ] as const) {
    if (!Number.isInteger(value) || value < min) problem(field, `must be an integer of at least ${min}, got ${value}`);
  }
  const { passphrase: _secret, ...shown } = config;
  return {
    ...SSH_NODE_DEFAULTS,
    ...shown,
    port,
    remoteDir: remoteDir as string,
    hostKeyFingerprint,
    reconnect,
  } as ResolvedSshNode;
}

/**
 * Delay after `failedAttempts` failures: exponential, capped, with "equal jitter" (half fixed, half
 * random) so that workers reconnecting to a restarted host do not arrive in lockstep.
 */
export function backoffDelayMs(failedAttempts: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
