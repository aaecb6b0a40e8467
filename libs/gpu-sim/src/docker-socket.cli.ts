/* istanbul ignore file -- dockerCli runs from its own source text (see below), where coverage counters would not exist. */

/**
 * The wire between the `docker` stand-in executable and the daemon (docker-socket.daemon.ts): one
 * JSON object per line over a unix socket, bytes in base64. The CLI opens with `start`, then
 * forwards its stdin and the signals it catches; the daemon answers with output and one `exit`.
 */
export type CliMessage =
  | { readonly kind: 'start'; readonly argv: readonly string[]; readonly env: Readonly<Record<string, string>> }
  | { readonly kind: 'stdin'; readonly data: string }
  | { readonly kind: 'stdinEnd' }
  | { readonly kind: 'signal'; readonly name: string };

export type DaemonMessage = { readonly kind: 'stdout' | 'stderr'; readonly data: string } | { readonly kind: 'exit'; readonly code: number };

/**
 * The body of the `docker` executable a real sshd runs: a thin client of the daemon, like the real
 * docker CLI. It is written out as `#!node` + `(source)(socketPath, name)` (see cliScript), so it
 * must stay self-contained: `require` and globals only, no imports or module-level names.
 *
 * How it ends, as a process under sshd does:
 * - the daemon's `exit` gives the exit code (stdout and stderr writes to pipes are synchronous on
 *   Linux, so nothing is lost by exiting at once);
 * - SIGHUP, SIGINT, SIGTERM are forwarded by name and the CLI exits 128+n, so the daemon aborts the
 *   program with that StopSignal; SIGKILL (sshd's killpg for a non-root login) closes the socket,
 *   which the daemon takes as a hang-up;
 * - a closed stdout or stderr (the SSH channel is gone) fails the next write with EPIPE: the CLI
 *   then leaves as SIGPIPE would end it, 141. Like real docker, a command with nothing to write
 *   does not notice a closed channel until it has.
 */
export function dockerCli(socketPath: string, programName: string): void {
  const net = require('node:net') as typeof import('node:net');
  const readline = require('node:readline') as typeof import('node:readline');
  const { signals } = (require('node:os') as typeof import('node:os')).constants;
  /** How long a leaving CLI lets its last message reach a daemon that does not read. */
  const LEAVE_GRACE_MS = 500;

  const socket = net.createConnection(socketPath);
  let connected = false;
  let leaving = false;
  const send = (message: CliMessage): void => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
  };
  const leave = (code: number, last: CliMessage): void => {
    if (leaving) return;
    leaving = true;
    const quit = (): never => process.exit(code);
    setTimeout(quit, LEAVE_GRACE_MS);
    if (socket.destroyed) quit();
    socket.end(`${JSON.stringify(last)}\n`, quit);
  };

  for (const name of ['HUP', 'INT', 'TERM'] as const) {
    process.on(`SIG${name}`, () => leave(128 + signals[`SIG${name}`], { kind: 'signal', name }));
  }
  for (const output of [process.stdout, process.stderr]) {
    output.on('error', () => leave(128 + signals.SIGPIPE, { kind: 'signal', name: 'PIPE' }));
  }

  socket.on('error', (error: NodeJS.ErrnoException) => {
    if (leaving) return;
    process.stderr.write(
      connected
        ? `docker: lost the connection to the daemon: ${error.message}\n`
        : `Cannot connect to the Docker daemon at unix://${socketPath}. Is the docker daemon running?\n`,
    );
    process.exit(1);
  });
  socket.on('close', () => {
    if (leaving) return;
    process.stderr.write('docker: the daemon closed the connection without an exit code\n');
    process.exit(1);
  });
  socket.on('connect', () => {
    connected = true;
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
    send({ kind: 'start', argv: [programName, ...process.argv.slice(2)], env });
    process.stdin.on('data', (chunk: Buffer) => send({ kind: 'stdin', data: chunk.toString('base64') }));
    process.stdin.on('end', () => send({ kind: 'stdinEnd' }));
    process.stdin.on('error', () => send({ kind: 'stdinEnd' }));
  });

  readline.createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line: string) => {
    const message = JSON.parse(line) as DaemonMessage;
    if (message.kind === 'exit') {
      leaving = true;
      process.exit(message.code);
    }
    if (!leaving) (message.kind === 'stdout' ? process.stdout : process.stderr).write(Buffer.from(message.data, 'base64'));
  });
}

/** The executable text: node by absolute path (no PATH lookup), then dockerCli's own source. */
export function cliScript(socketPath: string, programName = 'docker'): string {
  return `#!${process.execPath}\n'use strict';\n(${dockerCli.toString()})(${JSON.stringify(socketPath)}, ${JSON.stringify(programName)});\n`;
}
