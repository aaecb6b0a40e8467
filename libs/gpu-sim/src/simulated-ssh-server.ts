import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Server, utils, type AuthContext, type Connection, type ParsedKey, type Session } from 'ssh2';
import { runExec, type ExecHost } from './exec.handler.js';
import { HostPorts } from './host-ports.js';
import { HostRoot } from './host-root.js';
import type { Program, ProgramTable } from './program.js';
import { serveSftp } from './sftp.js';
import { FILE_PROGRAMS } from './file.programs.js';
import { generateEd25519KeyPair } from './ssh-key-pair.js';
import { TEXT_PROGRAMS } from './text.programs.js';

export const BUILTIN_PROGRAMS: ProgramTable = { ...FILE_PROGRAMS, ...TEXT_PROGRAMS };

export interface SimulatedSshServerOptions {
  /** The host's filesystem for SFTP, and the cwd and HOME of commands (see host-root.ts). */
  readonly root: string;
  /** A private key in any format ssh2 parses; a fresh ed25519 key when absent. */
  readonly hostKey?: string | Buffer;
  /** Public keys in `authorized_keys` form (`ssh-ed25519 AAAA… comment`). */
  readonly authorizedKeys: readonly string[];
  /** Commands besides BUILTIN_PROGRAMS; a name in both replaces the built-in. */
  readonly programs?: ProgramTable;
  /** The host's loopback ports that forwarded connections (`direct-tcpip`) reach; none listen when absent. */
  readonly ports?: HostPorts;
}

export interface SimulatedSshServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** Base64 SHA-256 of the host key blob: what an ssh2 client's `hostVerifier` computes from its key. */
  readonly hostKeyFingerprint: string;
  /** TCP connections open right now. */
  readonly connections: number;
  /** `exec` requests accepted since start. */
  readonly execCount: number;
  /** Hangs up every session (programs see `HUP`), waits for them, and stops listening. */
  stop(): Promise<void>;
  /** A network cut: every TCP connection is destroyed at once; the host (and its containers) stays up and keeps listening. */
  dropConnections(): void;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** How long stop() lets a client answer the disconnect before its socket is destroyed. */
const DISCONNECT_GRACE_MS = 1000;

export async function startSimulatedSshServer(options: SimulatedSshServerOptions): Promise<SimulatedSshServer> {
  const hostKeyText = options.hostKey ?? generateEd25519KeyPair().private;
  const hostKey = parseOne(hostKeyText, 'hostKey');
  const authorizedKeys = options.authorizedKeys.map((key, i) => parseOne(key, `authorizedKeys[${i}]`));
  const host: ExecHost = {
    root: await HostRoot.open(options.root),
    programs: new Map<string, Program>(Object.entries({ ...BUILTIN_PROGRAMS, ...options.programs })),
  };

  const ports = options.ports ?? new HostPorts();
  const sockets = new Set<Socket>();
  const connections = new Set<Connection>();
  const hangups = new Set<AbortController>();
  const running = new Set<Promise<void>>();
  let execCount = 0;

  const ssh = new Server({ hostKeys: [hostKeyText] }, (connection) => {
    connection.on('error', () => {
      // A client that vanishes mid-handshake or mid-transfer is normal for a test host.
    });
    let username = '';
    connection.on('authentication', (ctx) => {
      username = ctx.username;
      authenticate(ctx, authorizedKeys);
    });
    const hangup = new AbortController();
    connections.add(connection);
    hangups.add(hangup);
    connection.on('close', () => {
      hangup.abort('HUP');
      hangups.delete(hangup);
      connections.delete(connection);
    });
    connection.on('ready', () => {
      // Port forwarding reaches only the host's own loopback, as sshd's connect to 127.0.0.1 would.
      connection.on('tcpip', (accept, reject, { destIP, destPort }) => {
        const handler = LOOPBACK.has(destIP) ? ports.handlerOf(destPort) : undefined;
        if (handler === undefined) return reject();
        handler(accept());
      });
      connection.on('session', (accept) => {
        serveSession(accept(), { username, gone: hangup.signal }, host, (work) => {
          execCount += 1;
          running.add(work);
          void work.finally(() => running.delete(work));
        });
      });
    });
  });

  // ssh2 takes sockets from our own listener, so stop() can end them; and Nagle must go:
  // with it, exec round trips and SFTP streams crawl (small writes wait on delayed ACKs).
  const listener: NetServer = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    ssh.injectSocket(socket);
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const address = listener.address();
  if (address === null || typeof address === 'string') throw new Error('gpu-sim: listener has no TCP address');

  return {
    host: '127.0.0.1',
    port: address.port,
    hostKeyFingerprint: createHash('sha256').update(hostKey.getPublicSSH()).digest('base64'),
    get connections() {
      return sockets.size;
    },
    get execCount() {
      return execCount;
    },
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async stop() {
      const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
      for (const hangup of hangups) hangup.abort('HUP');
      await Promise.allSettled(running);
      for (const connection of connections) connection.end();
      await Promise.all([...sockets].map((socket) => endSocket(socket)));
      await closed;
    },
  };
}

function serveSession(
  session: Session,
  connection: { readonly username: string; readonly gone: AbortSignal },
  host: ExecHost,
  onExec: (work: Promise<void>) => void,
): void {
  const clientEnv: Record<string, string> = {};
  const sessionGone = new AbortController();
  const gone = AbortSignal.any([connection.gone, sessionGone.signal]);
  const stop = new AbortController();
  gone.addEventListener('abort', () => stop.abort('HUP'), { once: true });

  session.on('env', (accept, _reject, { key, val }) => {
    clientEnv[key] = val;
    accept?.();
  });
  session.on('signal', (accept, _reject, { name }) => {
    accept?.();
    stop.abort(name);
  });
  session.on('close', () => sessionGone.abort());
  session.on('exec', (accept, _reject, { command }) => {
    const channel = accept();
    const env = { ...clientEnv, HOME: host.root.dir, PWD: host.root.dir, USER: connection.username, PATH: '/usr/bin:/bin' };
    onExec(runExec(host, { commandLine: command, channel, env, stop: stop.signal, gone }));
  });
  session.on('sftp', (accept) => serveSftp(accept(), host.root));
}

/**
 * Public key only. A request without a signature asks whether the key would do (the client signs
 * next); a signed one must verify against the key we hold, not the one the client sent.
 */
function authenticate(ctx: AuthContext, authorizedKeys: readonly ParsedKey[]): void {
  if (ctx.method !== 'publickey') return ctx.reject(['publickey']);
  const key = authorizedKeys.find((candidate) => candidate.type === ctx.key.algo && candidate.getPublicSSH().equals(ctx.key.data));
  if (key === undefined) return ctx.reject(['publickey']);
  if (ctx.signature === undefined) return ctx.accept();
  if (ctx.blob !== undefined && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
  ctx.reject(['publickey']);
}

function parseOne(key: string | Buffer, what: string): ParsedKey {
  const parsed = utils.parseKey(key);
  if (parsed instanceof Error) throw new Error(`gpu-sim: ${what}: ${parsed.message}`);
  return Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
}

function endSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => socket.destroy(), DISCONNECT_GRACE_MS);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    socket.end();
  });
}
