/**
 * Test-only: a real ssh2 client against the simulated host, the way the worker will connect
 * (public key, pinned host key, no Nagle), plus an exec that records when each chunk arrived.
 */
import { createHash } from 'node:crypto';
import { Client, type ConnectConfig, type ExecOptions, type SFTPWrapper } from 'ssh2';
import type { SimulatedSshServer } from './simulated-ssh-server.js';
import { generateEd25519KeyPair } from './ssh-key-pair.js';

export interface ClientKey {
  readonly privateKey: string;
  readonly publicKey: string;
}

export function newClientKey(): ClientKey {
  const pair = generateEd25519KeyPair();
  return { privateKey: pair.private, publicKey: pair.public };
}

/** POSIX single quoting, written here independently of the client's so each checks the other. */
export function quote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

export function connect(server: SimulatedSshServer, auth: Partial<ConnectConfig>): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    client
      .on('ready', () => {
        client.setNoDelay(true);
        resolve(client);
      })
      .on('error', reject)
      .connect({
        host: server.host,
        port: server.port,
        username: 'cosmos',
        readyTimeout: 5_000,
        hostVerifier: (key: Buffer) => createHash('sha256').update(key).digest('base64') === server.hostKeyFingerprint,
        ...auth,
      });
  });
}

export interface ExecResult {
  readonly code: number | null;
  readonly signal: string | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Milliseconds after the request at which each stdout chunk arrived, and the exit status. */
  readonly stdoutAt: readonly { readonly ms: number; readonly text: string }[];
  readonly exitAt: number;
}

export function run(client: Client, command: string, options: ExecOptions = {}): Promise<ExecResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    client.exec(command, options, (error, channel) => {
      if (error) return reject(error);
      const stdoutAt: { ms: number; text: string }[] = [];
      let stderr = '';
      let exit: { code: number | null; signal: string | undefined; at: number } = { code: null, signal: undefined, at: -1 };
      channel.on('data', (chunk: Buffer) => stdoutAt.push({ ms: Date.now() - started, text: chunk.toString('utf8') }));
      channel.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      channel.on('exit', (code: number | null, signal?: string) => (exit = { code, signal, at: Date.now() - started }));
      channel.on('close', () =>
        resolve({
          code: exit.code,
          signal: exit.signal,
          stdout: stdoutAt.map((chunk) => chunk.text).join(''),
          stderr,
          stdoutAt,
          exitAt: exit.at,
        }),
      );
    });
  });
}

export function openSftp(client: Client): Promise<SFTPWrapper> {
  return new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))));
}

/** Node-style callback API to a promise: `await call<Stats>((done) => sftp.stat(path, done))`. */
export function call<T = void>(start: (done: (error: Error | null | undefined, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value))));
}
