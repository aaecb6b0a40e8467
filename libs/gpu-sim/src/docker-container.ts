import { posix } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { HostPorts } from './host-ports.js';
import { abortExitCode, type Program, type ProgramContext } from './program.js';

export interface VolumeMount {
  /** As the host sees it: resolved through the host root (host-root.ts). */
  readonly host: string;
  readonly container: string;
  readonly readOnly: boolean;
}

export interface ContainerConfig {
  readonly id: string;
  readonly name: string;
  readonly image: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly command: readonly string[];
  readonly workdir: string | null;
  readonly volumes: readonly VolumeMount[];
  /** Indices of the simulated GPUs `--gpus` selected. */
  readonly gpus: readonly number[];
  /** `-p 127.0.0.1:<host>:<container>`: the container ports the host's loopback reaches. */
  readonly published: readonly PublishedPort[];
  readonly createdAt: Date;
}

export interface PublishedPort {
  readonly hostPort: number;
  readonly containerPort: number;
}

export type ContainerState =
  | { readonly status: 'running'; readonly startedAt: Date }
  | { readonly status: 'exited'; readonly startedAt: Date; readonly finishedAt: Date; readonly exitCode: number; readonly error: string };

/** One line of the container's output, as `docker logs` replays it. */
export interface LogEntry {
  readonly at: Date;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

/** How the container reaches host files: `resolvePath` of the docker command's own context. */
export type HostResolver = (hostPath: string) => Promise<string>;

/**
 * A detached container: its command is a Program of the simulated host, started right away, whose
 * output lands line by line in a log that outlives the SSH channel that ran `docker run`.
 */
export class Container {
  readonly log: LogEntry[] = [];
  private stateNow: ContainerState;
  private readonly stopper = new AbortController();
  private wakeUps: (() => void)[] = [];
  private readonly settled: Promise<void>;
  /** Closes what the program listens on; a container's ports close with it. */
  private readonly unlisten: (() => void)[] = [];

  constructor(
    readonly config: ContainerConfig,
    program: Program,
    resolveHost: HostResolver,
    hostRootDir: string,
    private readonly ports: HostPorts | null = null,
  ) {
    this.stateNow = { status: 'running', startedAt: new Date() };
    this.settled = this.start(program, resolveHost, hostRootDir);
  }

  /** A container whose command could not start: it exists, with docker's 127 and the reason. */
  static failedToStart(config: ContainerConfig, error: string): Container {
    const container = new Container(config, async () => 127, async (path) => path, '/');
    container.stateNow = { status: 'exited', startedAt: config.createdAt, finishedAt: config.createdAt, exitCode: 127, error };
    return container;
  }

  get state(): ContainerState {
    return this.stateNow;
  }

  /** Resolves on the next log line or exit, whichever comes first. */
  changed(): Promise<void> {
    return new Promise((resolve) => this.wakeUps.push(resolve));
  }

  /** The exit code, or null when `signal` aborted first. */
  async waitForExit(signal: AbortSignal): Promise<number | null> {
    const stopped = aborted(signal);
    while (this.stateNow.status === 'running') {
      if (signal.aborted) return null;
      await Promise.race([this.changed(), stopped]);
    }
    return this.stateNow.exitCode;
  }

  /** SIGKILL cannot be caught, so the container is exited with 137 at once, whatever the program does next. */
  kill(signal: string): void {
    if (this.stateNow.status !== 'running') return;
    if (!this.stopper.signal.aborted) this.stopper.abort(signal);
    if (signal === 'KILL') this.exit(137);
  }

  /** Everything the program does after a kill has finished: for test teardown. */
  async settle(): Promise<void> {
    this.kill('KILL');
    await this.settled;
  }

  private async start(program: Program, resolveHost: HostResolver, hostRootDir: string): Promise<void> {
    const stdout = new LogLines(this, 'stdout');
    const stderr = new LogLines(this, 'stderr');
    let code: number;
    try {
      const resolvePath = containerPaths(this.config, resolveHost);
      const cwd = this.config.workdir === null ? hostRootDir : await resolvePath(this.config.workdir).catch(() => hostRootDir);
      const context: ProgramContext = {
        argv: this.config.command,
        cwd,
        env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/root', HOSTNAME: this.config.id.slice(0, 12), ...this.config.env },
        stdin: Readable.from([]),
        stdout,
        stderr,
        signal: this.stopper.signal,
        resolvePath,
        listen: (port, handler) => {
          const published = this.config.published.find((entry) => entry.containerPort === port);
          if (published === undefined || this.ports === null || this.stateNow.status !== 'running') return;
          this.unlisten.push(this.ports.listen(published.hostPort, handler));
        },
      };
      code = await program(context);
    } catch (error) {
      stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      code = this.stopper.signal.aborted ? abortExitCode(this.stopper.signal) : 1;
    }
    stdout.flush();
    stderr.flush();
    this.exit(code);
  }

  append(stream: LogEntry['stream'], text: string): void {
    // A killed container's process may still be winding down; docker shows nothing it writes then.
    if (this.stateNow.status !== 'running') return;
    this.log.push({ at: new Date(), stream, text });
    this.wake();
  }

  private exit(exitCode: number): void {
    if (this.stateNow.status !== 'running') return;
    for (const close of this.unlisten.splice(0)) close();
    this.stateNow = { status: 'exited', startedAt: this.stateNow.startedAt, finishedAt: new Date(), exitCode, error: '' };
    this.wake();
  }

  private wake(): void {
    const wakeUps = this.wakeUps;
    this.wakeUps = [];
    for (const wakeUp of wakeUps) wakeUp();
  }
}

/**
 * Container paths to host paths through the `-v` mounts (longest mount wins); relative paths start
 * at the working dir. The simulator keeps no container filesystem, so a path outside every mount
 * is refused rather than quietly written somewhere on the host.
 */
export function containerPaths(config: Pick<ContainerConfig, 'volumes' | 'workdir' | 'name'>, resolveHost: HostResolver): (path: string) => Promise<string> {
  const mounts = [...config.volumes].sort((a, b) => b.container.length - a.container.length);
  return async (path) => {
    const absolute = posix.normalize(path.startsWith('/') ? path : posix.join(config.workdir ?? '/', path));
    const mount = mounts.find((m) => absolute === m.container || absolute.startsWith(`${m.container.replace(/\/$/, '')}/`));
    if (mount === undefined) throw new Error(`${path}: outside every volume of container ${config.name} (gpu-sim keeps no container filesystem)`);
    return resolveHost(posix.join(mount.host, posix.relative(mount.container, absolute)));
  };
}

/** A program's stdout or stderr inside the container: split into lines, each stamped as it completes. */
class LogLines extends Writable {
  private partial = '';

  constructor(
    private readonly container: Container,
    private readonly stream: LogEntry['stream'],
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const lines = (this.partial + chunk.toString()).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.container.append(this.stream, `${line}\n`);
    done();
  }

  /** The last line without a newline, which docker shows as it is. */
  flush(): void {
    if (this.partial !== '') this.container.append(this.stream, this.partial);
    this.partial = '';
  }
}

function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
