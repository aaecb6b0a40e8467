import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { SshNodeConfig } from '../../../gpu/src/index.js';

export const SSHD_PATH = '/usr/sbin/sshd';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;

/** A real OpenSSH sshd on 127.0.0.1 with throwaway keys, for integration tests. */
export interface OpenSshServer {
  readonly host: typeof HOST;
  readonly port: number;
  readonly user: string;
  /** The client's private key (OpenSSH format, no passphrase) and where it is stored. */
  readonly privateKey: string;
  readonly privateKeyPath: string;
  /** `SHA256:…` of the host key, as `ssh-keygen -lf` prints it and ssh2 presents the key. */
  readonly hostKeyFingerprint: string;
  readonly knownHostsLine: string;
  /** Scratch folder of this server; tests may create their remote folders in it. */
  readonly dir: string;
  /** This server as a configured GPU node would name it: its key pinned, the rest defaults unless changed. */
  nodeConfig(name: string, remoteDir: string, change?: Partial<SshNodeConfig>): SshNodeConfig;
  /** Gives files a test made "on the host" to the login user, as if that user had made them. */
  handOver(path: string): void;
  /** sshd's own log so far (`-e` sends it to stderr). */
  log(): string;
  /** Successful logins so far, counted from sshd's log. */
  acceptedLogins(): number;
  /**
   * Stops sshd and every connection it serves, like a host going down: no process under it gets
   * to report its own end over a connection first. Files are kept.
   */
  stop(): Promise<void>;
  /** Signals the commands running under this sshd whose argv contains every one of `words`; answers how many. */
  signalCommands(words: readonly string[], signal: NodeJS.Signals): number;
  /** Starts again on the same port with the same keys. */
  start(): Promise<void>;
  /** Stops and removes the scratch folder. */
  dispose(): Promise<void>;
}

export interface OpenSshServerOptions {
  /** More sshd_config lines, such as `SetEnv PATH=…` (OpenSSH ≥ 7.8) to put stand-in programs first. */
  readonly extraConfig?: readonly string[];
}

/**
 * Starts `/usr/sbin/sshd -D -e` (foreground, log to stderr) with a config of its own. Fails with a clear message
 * when sshd is not installed: CI installs it (`.ci/run`), so a missing sshd is an error, not a skip.
 */
export async function startOpenSshServer(options: OpenSshServerOptions = {}): Promise<OpenSshServer> {
  try {
    accessSync(SSHD_PATH, constants.X_OK);
  } catch {
    throw new Error(
      `OpenSSH sshd not found at ${SSHD_PATH}; the GPU integration tests need a real sshd on 127.0.0.1. ` +
        'Install it: apt-get install -y --no-install-recommends openssh-server (CI does this in .ci/run).',
    );
  }
  // sshd refuses to start without its compiled-in privilege separation folder.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const dir = await mkdtemp(join(tmpdir(), 'cosmos-sshd-'));
  const user = loginUser();
  // sshd reads authorized_keys as the login user, who also makes remote folders in here.
  if (user !== userInfo().username) await chmod(dir, 0o777);
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  const privateKeyPath = join(dir, 'client_ed25519');
  await Promise.all([generateKey(hostKeyPath), generateKey(privateKeyPath)]);
  const [hostPublic, clientPublic, privateKey] = await Promise.all([
    readFile(`${hostKeyPath}.pub`, 'utf8'),
    readFile(`${privateKeyPath}.pub`, 'utf8'),
    readFile(privateKeyPath, 'utf8'),
  ]);
  await writeFile(join(dir, 'authorized_keys'), clientPublic, { mode: 0o644 });
  const port = await freePort();
  const configPath = join(dir, 'sshd_config');
  await writeFile(
    configPath,
    [
      `Port ${port}`,
      `ListenAddress ${HOST}`,
      `HostKey ${hostKeyPath}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      'UsePAM no',
      'StrictModes no',
      'Subsystem sftp internal-sftp',
      'MaxSessions 100',
      'MaxStartups 100:30:200',
      ...(options.extraConfig ?? []),
      '',
    ].join('\n'),
  );

  const [keyType, keyBase64] = hostPublic.trim().split(/\s+/) as [string, string];
  let child: ChildProcess | null = null;
  let log = '';
  const killAtExit = (): void => {
    if (child?.pid) bringDown(child.pid);
  };
  process.once('exit', killAtExit);

  const start = async (): Promise<void> => {
    if (child) return;
    const started = spawn(SSHD_PATH, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = started;
    started.stderr?.setEncoding('utf8').on('data', (text: string) => {
      log += text;
    });
    const exited = new Promise<never>((_, reject) => {
      started.once('exit', (code, signal) => {
        if (child === started) child = null;
        reject(new Error(`sshd exited during start-up (${signal ?? code}):\n${log}`));
      });
      started.once('error', reject);
    });
    exited.catch(() => {});
    await Promise.race([waitForPort(port, START_TIMEOUT_MS), exited]);
  };

  const stop = async (): Promise<void> => {
    const running = child;
    if (!running?.pid) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    bringDown(running.pid);
    await exited;
    child = null;
  };

  await start();
  const hostKeyFingerprint = `SHA256:${createHash('sha256').update(Buffer.from(keyBase64, 'base64')).digest('base64').replace(/=+$/, '')}`;
  return {
    host: HOST,
    port,
    user,
    privateKey,
    privateKeyPath,
    hostKeyFingerprint,
    knownHostsLine: `[${HOST}]:${port} ${keyType} ${keyBase64}`,
    dir,
    handOver: (path) => {
      if (user !== userInfo().username) spawnSync('chown', ['-R', `${user}:`, path], { stdio: 'ignore' });
    },
    nodeConfig: (name, remoteDir, change = {}) => ({ name, host: HOST, port, user, privateKeyPath, hostKeyFingerprint, remoteDir, ...change }),
    log: () => log,
    acceptedLogins: () => log.match(/^Accepted publickey for /gm)?.length ?? 0,
    stop,
    start,
    signalCommands: (words, signal) => {
      const targets = child?.pid ? descendantsOf(child.pid).filter((pid) => words.every((word) => argvOf(pid).includes(word))) : [];
      targets.forEach((pid) => signalQuietly(pid, signal));
      return targets.length;
    },
    dispose: async () => {
      await stop();
      process.removeListener('exit', killAtExit);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function generateKey(path: string): Promise<void> {
  await promisify(execFile)('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'cosmos-test', '-f', path]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accepted = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: HOST, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`sshd did not accept connections on ${HOST}:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Rounds of freezing newly found processes; sshd forks only between them, so two suffice. */
const FREEZE_ROUNDS = 5;

/**
 * Ends sshd and everything below it as a host going down would. Each connection is served by a
 * child sshd in a session of its own, which outlives the listener, so the children must go too.
 * All are frozen (SIGSTOP) before any is killed: a command killed while its session still ran
 * would have its exit status relayed to the client, as if it had ended on its own.
 */
function bringDown(root: number): void {
  const frozen = new Set<number>();
  for (let round = 0; round < FREEZE_ROUNDS; round++) {
    const found = [root, ...descendantsOf(root)].filter((pid) => !frozen.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      signalQuietly(pid, 'SIGSTOP');
      frozen.add(pid);
    }
  }
  for (const pid of frozen) signalQuietly(pid, 'SIGKILL');
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function argvOf(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return [];
  }
}

function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses and may contain spaces: state ppid …
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const visit = (pid: number): void => {
    for (const child of children.get(pid) ?? []) {
      visit(child);
      found.push(child);
    }
  };
  visit(root);
  return found;
}

/**
 * GPU nodes should log in as a non-root user (decisions.md §12): OpenSSH delivers SSH signal
 * requests only to those. Run as root with that user present (`.ci/run` creates it), the tests log
 * in as it and so exercise the path production takes; otherwise as whoever runs them.
 */
export const NON_ROOT_TEST_USER = 'cosmos-ci';

function loginUser(): string {
  const me = userInfo().username;
  if (process.getuid?.() !== 0) return me;
  const probe = spawnSync('id', ['-u', NON_ROOT_TEST_USER], { stdio: 'ignore' });
  return probe.status === 0 ? NON_ROOT_TEST_USER : me;
}
