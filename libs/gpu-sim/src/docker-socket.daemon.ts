import { once } from 'node:events';
import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { join, posix } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { isInside } from '../../media/src/index.js';
import { cliScript, type CliMessage, type DaemonMessage } from './docker-socket.cli.js';
import { HostRoot, PathEscapeError } from './host-root.js';
import { write, type Program } from './program.js';
import { PacedOutput } from './paced-output.js';

export interface DockerSocketDaemonOptions {
  /** Holds the socket and `bin/docker`; it must exist and be short enough for a unix socket path. */
  readonly dir: string;
  /** What every `docker` invocation runs: the stand-in of simulatedGpuPrograms, so containers live here. */
  readonly docker: Program;
  /** The one real folder docker may reach (bind mounts, workdir); give it as its real path. */
  readonly root: string;
}

export interface DockerSocketDaemon {
  readonly socketPath: string;
  /** Put it first on the PATH of whoever runs `docker`: it holds the CLI that talks to this daemon. */
  readonly binDir: string;
  /** CLI invocations being served right now. */
  readonly sessions: number;
  /** Hangs up every invocation (programs see `HUP`), waits for them and removes the socket. */
  close(): Promise<void>;
}

/**
 * The simulated docker daemon for a real sshd: real sshd runs real executables, so the in-process
 * docker stand-in is reached the way real docker is, CLI → unix socket → daemon. Each connection
 * is one CLI invocation, run as a Program with the CLI's argv, env, stdin and output, and the exit
 * code sent back. Unlike the simulated SSH server's host root, paths here are real host paths, as
 * a bind mount names them, and must lie inside `root`.
 */
export async function startDockerSocketDaemon(options: DockerSocketDaemonOptions): Promise<DockerSocketDaemon> {
  const root = await HostRoot.open(options.root);
  const socketPath = join(options.dir, 'docker.sock');
  const binDir = join(options.dir, 'bin');
  await mkdir(binDir, { recursive: true });
  const cli = join(binDir, 'docker');
  await writeFile(cli, cliScript(socketPath));
  await chmod(cli, 0o755);

  const sockets = new Set<Socket>();
  const running = new Set<Promise<void>>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const work = serveInvocation(socket, options.docker, root);
    running.add(work);
    void work.finally(() => running.delete(work));
  });
  server.listen(socketPath);
  await once(server, 'listening');
  // Any local user may talk to it, as members of the docker group do: the tests' SSH login need not be ours.
  await chmod(socketPath, 0o777);

  return {
    socketPath,
    binDir,
    get sessions() {
      return running.size;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await Promise.allSettled(running);
      await closed;
      await rm(socketPath, { force: true });
    },
  };
}

async function serveInvocation(socket: Socket, docker: Program, root: HostRoot): Promise<void> {
  socket.on('error', ignore);
  const gone = new AbortController();
  const stop = new AbortController();
  // The CLI died or was killed (SIGKILL cannot be forwarded): its output goes nowhere now.
  socket.once('close', () => {
    gone.abort();
    if (!stop.signal.aborted) stop.abort('HUP');
  });

  const stdin = new PassThrough();
  let begin: (start: Extract<CliMessage, { kind: 'start' }> | null) => void = ignore;
  const started = new Promise<Extract<CliMessage, { kind: 'start' }> | null>((resolve) => (begin = resolve));
  const lines = createInterface({ input: socket, crlfDelay: Infinity });
  // readline re-emits its input's errors (an EPIPE once the CLI hung up); unheard, they would crash the process.
  lines.on('error', ignore);
  lines.on('close', () => begin(null));
  lines.on('line', (line) => {
    let message: CliMessage;
    try {
      message = JSON.parse(line) as CliMessage;
    } catch {
      socket.destroy();
      return;
    }
    switch (message.kind) {
      case 'start':
        return begin(message);
      case 'stdin':
        stdin.write(Buffer.from(message.data, 'base64'));
        return;
      case 'stdinEnd':
        stdin.end();
        return;
      case 'signal':
        if (!stop.signal.aborted) stop.abort(message.name);
        return;
    }
  });

  const start = await started;
  if (start === null) return;
  const stdout = messageOutput(socket, 'stdout', gone.signal);
  const stderr = messageOutput(socket, 'stderr', gone.signal);
  let code: number;
  try {
    code = await docker({
      argv: start.argv,
      cwd: root.dir,
      env: start.env,
      stdin,
      stdout,
      stderr,
      signal: stop.signal,
      resolvePath: (path) => realPathInside(root, path),
    });
  } catch (error) {
    await write(stderr, `gpu-sim: ${start.argv[0]}: ${error instanceof Error ? error.message : String(error)}\n`).catch(ignore);
    code = 1;
  }
  await Promise.all([drain(stdout), drain(stderr)]);
  // The CLI may have hung up while the program drained; its exit code then goes nowhere.
  if (gone.signal.aborted || socket.destroyed || !socket.writable) return;
  const exit: DaemonMessage = { kind: 'exit', code };
  socket.end(`${JSON.stringify(exit)}\n`);
}

/**
 * A real host path (relative ones start at the root), refused unless it lies inside the root;
 * below it HostRoot's rules apply, so a symlink cannot lead out either.
 */
async function realPathInside(root: HostRoot, requested: string): Promise<string> {
  const absolute = posix.resolve(root.dir, requested);
  if (absolute !== root.dir && !isInside(root.dir, absolute)) throw new PathEscapeError(requested);
  return root.resolve(posix.relative(root.dir, absolute));
}

/** A program's stdout or stderr as messages to the CLI. */
function messageOutput(socket: Socket, kind: 'stdout' | 'stderr', gone: AbortSignal): PacedOutput {
  return new PacedOutput((chunk, sent) => {
    const message: DaemonMessage = { kind, data: chunk.toString('base64') };
    socket.write(`${JSON.stringify(message)}\n`, () => sent());
  }, gone);
}

async function drain(output: PacedOutput): Promise<void> {
  if (!output.writableEnded) output.end();
  await finished(output).catch(ignore);
}

function ignore(): void {}
