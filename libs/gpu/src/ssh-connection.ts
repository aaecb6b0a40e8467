import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type ConnectConfig, type SFTPWrapper } from 'ssh2';
import { FailureStreak } from './failure-streak.js';
import { PortForwardRefused, SshAborted, SshAuthFailed, SshHostKeyRejected, SshTimeout, SshUnavailable } from './gpu.errors.js';
import { hostKeyAlgorithms, judgeHostKey, knownHostsLine, type HostKeyVerdict } from './host-key.js';
import { shellCommand } from './shell-quote.js';
import { ChannelNotOpened, runRemoteCommand, type ExecOptions, type ExecResult } from './ssh-exec.js';
import { backoffDelayMs, resolveSshNode, type ResolvedSshNode, type SshNodeConfig } from './ssh-node.config.js';

const CLOSE_GRACE_MS = 2_000;

/** What JsonLogger and Nest's Logger both offer. */
export interface SshLogger {
  log(message: unknown, ...params: unknown[]): void;
  warn(message: unknown, ...params: unknown[]): void;
}

export interface SshConnectionEvents {
  /** A new underlying SSH connection is authenticated and usable. */
  ready: [{ readonly attempt: number }];
  /** The underlying connection ended; the next call reconnects. */
  disconnected: [{ readonly reason: string }];
  /** One connection attempt failed; more may follow (backoff) unless it was the last. */
  connectFailed: [{ readonly attempt: number; readonly maxAttempts: number; readonly error: string }];
}

export interface SshConnectionOptions {
  readonly logger?: SshLogger;
  /** Jitter source for reconnect delays. */
  readonly random?: () => number;
}

/**
 * The one SSH connection to a GPU node, shared by every job on it. It connects on
 * first use and again, with bounded exponential backoff, after the connection drops; commands
 * running when it drops fail with SshConnectionLost and are not repeated (they may have run).
 * Commands are argv arrays only: the command line is always built by `shellCommand`.
 */
export class SshConnection extends EventEmitter<SshConnectionEvents> {
  readonly node: ResolvedSshNode;
  private readonly passphrase: string | undefined;
  private readonly logger: SshLogger | undefined;
  private readonly random: () => number;
  private readonly slots: ChannelSlots;
  private readonly lifetime = new AbortController();
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private sftpChannel: { client: Client; sftp: Promise<SFTPWrapper> } | null = null;
  /** Set while a reconnect waits out its backoff: the attempt that just failed. */
  private failedAttempt: string | null = null;
  /** A node that stays down fails each attempt alike: warned with backing off, not every attempt. */
  private readonly attemptFailures = new FailureStreak();

  constructor(config: SshNodeConfig, options: SshConnectionOptions = {}) {
    super();
    this.node = resolveSshNode(config);
    this.passphrase = config.passphrase;
    this.logger = options.logger;
    this.random = options.random ?? Math.random;
    this.slots = new ChannelSlots(this.node.maxChannels);
  }

  /**
   * Another connection to the same host with the same settings. A node running several jobs at
   * once needs more channels than one connection may open (OpenSSH's MaxSessions, 10 by default):
   * each running job follows its container with two.
   */
  sibling(): SshConnection {
    const passphrase = this.passphrase === undefined ? {} : { passphrase: this.passphrase };
    return new SshConnection({ ...this.node, ...passphrase }, { ...(this.logger === undefined ? {} : { logger: this.logger }), random: this.random });
  }

  get isConnected(): boolean {
    return this.client !== null;
  }

  /**
   * While a reconnect waits out its backoff, why the last attempt failed; otherwise null. A caller
   * that must answer now (a status probe) says this instead of waiting for the next attempt.
   */
  get reconnectingAfter(): string | null {
    return this.client === null ? this.failedAttempt : null;
  }

  /** Connects now (with the usual retries) if not connected: proves the node answers before work is taken for it. */
  async connect(): Promise<void> {
    await this.connected();
  }

  async exec(argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
    shellCommand(argv); // refuse bad argv before touching the network
    if (options.signal?.aborted) throw new SshAborted(this.node.name, `${argv[0]} aborted before it started`);
    const release = await this.slots.acquire(options.signal, () => new SshAborted(this.node.name, `${argv[0]} aborted while queued`));
    try {
      return await this.withLiveClient((client) => runRemoteCommand(client, this.node.name, argv, options));
    } finally {
      release();
    }
  }

  /** The connection's SFTP session, opened once and reused until it or the connection closes. */
  async sftp(): Promise<SFTPWrapper> {
    const client = await this.connected();
    if (this.sftpChannel?.client === client) return this.sftpChannel.sftp;
    const sftp = this.withLiveClient(
      (live) =>
        new Promise<SFTPWrapper>((resolve, reject) => {
          try {
            live.sftp((error, opened) => (error ? reject(new ChannelNotOpened(error.message, { cause: error })) : resolve(opened)));
          } catch (error) {
            reject(new ChannelNotOpened((error as Error).message, { cause: error }));
          }
        }),
    );
    const entry = { client, sftp };
    this.sftpChannel = entry;
    const forget = (): void => {
      if (this.sftpChannel === entry) this.sftpChannel = null;
    };
    sftp.then((opened) => opened.once('close', forget), forget);
    return sftp;
  }

  /**
   * A TCP stream to `port` on the node's own loopback, through this connection (`direct-tcpip`,
   * as `ssh -L` does): a service on the node listens nowhere else, and nothing listens here.
   * Throws PortForwardRefused when nothing listens there, SshTimeout when the node does not answer.
   */
  async forward(port: number, options: { readonly timeoutMs: number }): Promise<Duplex> {
    return this.withLiveClient(
      (client) =>
        new Promise<Duplex>((resolve, reject) => {
          const timer = setTimeout(() => reject(new SshTimeout(this.node.name, `a forward to 127.0.0.1:${port}`, options.timeoutMs)), options.timeoutMs);
          try {
            client.forwardOut('127.0.0.1', 0, '127.0.0.1', port, (error, stream) => {
              clearTimeout(timer);
              if (error === undefined || error === null) return resolve(stream);
              // ssh2 says so when the socket went before the channel opened: withLiveClient reconnects once.
              if (error.message === 'Not connected') return reject(new ChannelNotOpened(error.message, { cause: error }));
              reject(new PortForwardRefused(port, error.message));
            });
          } catch (error) {
            clearTimeout(timer);
            reject(new ChannelNotOpened((error as Error).message, { cause: error }));
          }
        }),
    );
  }

  /** Ends the connection; running commands fail with SshConnectionLost and later calls with SshUnavailable. */
  async close(): Promise<void> {
    this.lifetime.abort();
    const client = this.client;
    this.client = null;
    this.sftpChannel = null;
    if (!client) return;
    await new Promise<void>((resolve) => {
      // A socket that is already gone may never report 'close' again.
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, CLOSE_GRACE_MS);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  /**
   * Runs `open` on a live client. When ssh2 finds the socket already gone before the channel opens
   * (its 'close' not yet delivered), nothing ran, so it reconnects and tries once more.
   */
  private async withLiveClient<T>(open: (client: Client) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.connected();
      try {
        return await open(client);
      } catch (error) {
        if (!(error instanceof ChannelNotOpened)) throw error;
        if (attempt === 1 && error.message === 'Not connected') {
          this.drop(client, 'socket closed');
          continue;
        }
        throw new SshUnavailable(this.node.name, 0, `the server refused a channel: ${error.message}`, { cause: error });
      }
    }
  }

  private connected(): Promise<Client> {
    if (this.lifetime.signal.aborted) return Promise.reject(new SshUnavailable(this.node.name, 0, 'connection closed'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.connectWithRetry().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async connectWithRetry(): Promise<Client> {
    const { maxAttempts } = this.node.reconnect;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        const client = await this.connectOnce();
        this.adopt(client, attempt);
        return client;
      } catch (error) {
        if (error instanceof SshHostKeyRejected || error instanceof SshAuthFailed) throw error;
        lastError = error;
        const detail = (error as Error).message;
        const { log, repeats } = this.attemptFailures.failed(detail);
        if (log) this.logger?.warn({ msg: 'SSH connection attempt failed', node: this.node.name, attempt, maxAttempts, repeats, error: detail });
        this.emit('connectFailed', { attempt, maxAttempts, error: detail });
        if (attempt === maxAttempts || this.lifetime.signal.aborted) break;
        this.failedAttempt = `${detail} (retrying, attempt ${attempt + 1} of ${maxAttempts} next)`;
        try {
          await sleep(backoffDelayMs(attempt, this.node.reconnect, this.random), undefined, { signal: this.lifetime.signal }).catch(() => {});
        } finally {
          this.failedAttempt = null;
        }
      }
    }
    if (this.lifetime.signal.aborted) throw new SshUnavailable(this.node.name, 0, 'connection closed');
    throw new SshUnavailable(this.node.name, maxAttempts, (lastError as Error)?.message ?? 'unknown error', { cause: lastError });
  }

  private async connectOnce(): Promise<Client> {
    const { node } = this;
    let privateKey: Buffer;
    try {
      privateKey = await readFile(node.privateKeyPath);
    } catch (error) {
      throw new SshAuthFailed(node.name, `cannot read the private key ${node.privateKeyPath}: ${(error as NodeJS.ErrnoException).code}`);
    }
    const endpoint = { host: node.host, port: node.port };
    let verdict: HostKeyVerdict | undefined;
    const serverHostKey = hostKeyAlgorithms(node, endpoint);
    const config: ConnectConfig = {
      host: node.host,
      port: node.port,
      username: node.user,
      privateKey,
      passphrase: this.passphrase,
      readyTimeout: node.connectTimeoutMs,
      keepaliveInterval: node.keepaliveIntervalMs,
      keepaliveCountMax: node.keepaliveCountMax,
      ...(serverHostKey && { algorithms: { serverHostKey: serverHostKey as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] } }),
      hostVerifier: (key: Buffer): boolean => {
        verdict = judgeHostKey(key, endpoint, node);
        if (verdict.accepted && verdict.by === 'TRUSTED_UNKNOWN') {
          this.logger?.warn({
            msg: 'Trusting an unpinned SSH host key (trustUnknownHostKey); pin it',
            node: node.name,
            fingerprint: verdict.fingerprint,
            knownHostsLine: knownHostsLine(endpoint, key),
          });
        }
        return verdict.accepted;
      },
    };

    const client = new Client();
    return new Promise<Client>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error & { level?: string }): void => {
        if (settled) return;
        settled = true;
        client.end();
        if (verdict && !verdict.accepted) reject(new SshHostKeyRejected(node.name, verdict.reason, verdict.fingerprint, verdict.keyType));
        else if (error.level === 'client-authentication') reject(new SshAuthFailed(node.name, `the server refused key authentication as ${node.user}`));
        else reject(error);
      };
      // Stays attached for the client's life: an 'error' without a listener would crash the process.
      client.on('error', fail);
      client.once('close', () => fail(new Error('connection closed during the handshake')));
      client.once('ready', () => {
        settled = true;
        // Without it SFTP streams crawl (Nagle + delayed ACK): measured on our machines at 1.8 vs 178 MB/s.
        client.setNoDelay(true);
        resolve(client);
      });
      try {
        client.connect(config);
      } catch (error) {
        // ssh2 parses the key synchronously: a wrong or missing passphrase lands here.
        settled = true;
        reject(new SshAuthFailed(node.name, `cannot use the private key ${node.privateKeyPath}: ${privateKeyProblem(error)}`));
      }
    });
  }

  private adopt(client: Client, attempt: number): void {
    if (this.lifetime.signal.aborted) {
      client.end();
      throw new SshUnavailable(this.node.name, 0, 'connection closed');
    }
    let reason = 'connection ended';
    client.on('error', (error) => {
      reason = error.message;
    });
    client.once('close', () => this.drop(client, reason));
    this.client = client;
    const failuresBefore = this.attemptFailures.succeeded();
    this.logger?.log({ msg: 'SSH connection ready', node: this.node.name, attempt, ...(failuresBefore > 0 && { failuresBefore }) });
    this.emit('ready', { attempt });
  }

  private drop(client: Client, reason: string): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.sftpChannel?.client === client) this.sftpChannel = null;
    client.end();
    this.logger?.warn({ msg: 'SSH connection lost', node: this.node.name, reason });
    this.emit('disconnected', { reason });
  }
}

/** Bounds the channels open at once on one connection; waiters are served in order. */
class ChannelSlots {
  private readonly waiting: Array<() => void> = [];

  constructor(private free: number) {}

  async acquire(signal: AbortSignal | undefined, aborted: () => Error): Promise<() => void> {
    if (this.free > 0) {
      this.free--;
    } else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.waiting.splice(this.waiting.indexOf(grant), 1);
          reject(aborted());
        };
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }
}

/**
 * Why ssh2 could not read a key, in words of our own: its messages can quote the key's bytes
 * ("Unsupported OpenSSH key magic: …"), and key material never goes into an error or a log.
 */
function privateKeyProblem(error: unknown): string {
  const said = (error as Error)?.message ?? '';
  if (/passphrase|decrypt|bad decrypt/i.test(said)) return 'a wrong or missing passphrase (passphrase_env)';
  if (/unsupported|magic|format|parse/i.test(said)) return 'not a private key in a format ssh2 reads (OpenSSH, PEM or PPK), or a wrong passphrase';
  return 'the key could not be used';
}
