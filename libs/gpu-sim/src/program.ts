import { constants } from 'node:os';
import type { Duplex, Readable, Writable } from 'node:stream';
import { PathEscapeError } from './host-root.js';

/** Why a running program was asked to stop: a signal name, as a real process would receive it. */
export type StopSignal = 'HUP' | 'INT' | 'TERM' | 'KILL' | (string & {});

export interface ProgramContext {
  /** `argv[0]` is the program name as sent (after a `sudo -n` prefix); every argument is byte-exact. */
  readonly argv: readonly string[];
  /** The host folder the command runs in: the simulated host's root (also `HOME` in `env`). */
  readonly cwd: string;
  /** HOME, USER, PATH, PWD, plus whatever the client sent with `env` requests. */
  readonly env: Readonly<Record<string, string>>;
  /** The channel's input itself: read it, but never destroy it (that closes the channel). */
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /**
   * Aborted with a StopSignal as `reason`: `HUP` when the client closes the channel or the
   * connection drops (output then goes nowhere), or the name the client sent in a `signal` request.
   */
  readonly signal: AbortSignal;
  /** The host path for a path argument, by the rule in host-root.ts; throws PathEscapeError. */
  resolvePath(path: string): Promise<string>;
  /**
   * Inside a container only: takes connections to a port of the container while it runs. Reachable
   * from outside only when `docker run -p` published it; throws when that host port is taken.
   */
  readonly listen?: (port: number, handler: (socket: Duplex) => void) => void;
}

/**
 * A command of the simulated host: resolves with its exit code; a throw becomes exit 1 and a stderr
 * line. It must settle soon after `signal` aborts: the server's stop() waits for it.
 */
export type Program = (ctx: ProgramContext) => Promise<number>;

export type ProgramTable = Readonly<Record<string, Program>>;

/** The exit code a shell reports for a process killed by the signal that aborted `signal`. */
export function abortExitCode(signal: AbortSignal): number {
  const name: unknown = signal.reason;
  const signals: Readonly<Record<string, number>> = constants.signals;
  return 128 + (typeof name === 'string' ? (signals[`SIG${name}`] ?? 1) : 1);
}

/** Write and wait for the stream to take it, so a program's output keeps pace with the channel. */
export function write(stream: Writable, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}

/** Leading single-letter flags (`-p`, `-rf`) up to `--` or the first operand, or the first unknown one. */
export function splitFlags(
  args: readonly string[],
  allowed: string,
): { readonly flags: ReadonlySet<string>; readonly operands: readonly string[] } | { readonly unknown: string } {
  const flags = new Set<string>();
  let i = 0;
  for (; i < args.length && args[i].startsWith('-') && args[i] !== '-'; i += 1) {
    if (args[i] === '--') {
      i += 1;
      break;
    }
    for (const flag of args[i].slice(1)) {
      if (!allowed.includes(flag)) return { unknown: flag };
      flags.add(flag);
    }
  }
  return { flags, operands: args.slice(i) };
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
};

/** The coreutils-style reason for a failed file operation. */
export function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code !== undefined && code in ERRNO_TEXT) return ERRNO_TEXT[code];
  if (error instanceof PathEscapeError) return 'path escapes the host root';
  return error instanceof Error ? error.message : String(error);
}

/** A coreutils-style error line on stderr (`rm: cannot remove 'x': …`); resolves with the exit code. */
export async function complain(ctx: ProgramContext, message: string, code = 1): Promise<number> {
  await write(ctx.stderr, `${ctx.argv[0]}: ${message}\n`);
  return code;
}
