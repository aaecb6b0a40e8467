import { dockerKill, dockerLogs, dockerWait } from '../docker-command.js';
import { SshAborted } from '../gpu.errors.js';
import type { ExecResult } from '../ssh-exec.js';
import type { SshConnection } from '../ssh-connection.js';
import { classifyExit, type Interruption } from './exit-classification.js';
import { ExecutionFailure } from './execution-failure.js';
import { ExecutionLogFile } from './execution-log.js';
import { ModelLogReader } from './model-log.js';

const COMMAND_TIMEOUT_MS = 60_000;
/** After `docker wait` returns, the log follower has this long to hand on the last lines. */
const LOG_DRAIN_MS = 10_000;
/** Only the callbacks need the log; keep a little in memory for nothing else. */
const LOG_CAPTURE_BYTES = 64 * 1024;

export interface FollowRequest {
  readonly connection: SshConnection;
  readonly name: string;
  readonly sudo: boolean | undefined;
  readonly logPath: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly onLog?: (line: string) => void;
  readonly onProgress: (percent: number) => void;
}

/**
 * Follows a started (or already exited) container to its end: `docker logs --follow` streams
 * stdout and stderr lines to the log file and `onLog`, `docker wait` gives the exit code. Resolves
 * with 0, or throws the ExecutionFailure the exit stands for. On timeout or cancel the container
 * is killed by name and the exit code is still read.
 */
export async function followContainer(request: FollowRequest): Promise<number> {
  const { connection, name, sudo } = request;
  const stop = new AbortController();
  const drained = new AbortController();
  let interruption: Interruption = null;
  const interrupt = (why: Exclude<Interruption, null>): void => {
    if (interruption !== null) return;
    interruption = why;
    stop.abort();
  };
  const onAbort = (): void => interrupt('KILLED');
  const timer = setTimeout(() => interrupt('TIMEOUT'), Math.min(Math.max(0, request.timeoutMs), 2 ** 31 - 1));
  request.signal?.addEventListener('abort', onAbort, { once: true });
  if (request.signal?.aborted) onAbort();

  const log = new ExecutionLogFile(request.logPath);
  const reader = new ModelLogReader();
  const onLine = (line: string): void => {
    log.append(line);
    request.onLog?.(line);
    const percent = reader.read(line);
    if (percent !== null) request.onProgress(percent);
  };
  request.onProgress(0);
  let followerFailure: unknown = null;
  const following = connection
    .exec(dockerLogs(name, { follow: true, sudo }), {
      timeoutMs: Number.POSITIVE_INFINITY,
      signal: AbortSignal.any([stop.signal, drained.signal]),
      onStdout: onLine,
      onStderr: onLine,
      maxOutputBytes: LOG_CAPTURE_BYTES,
    })
    .then(
      () => undefined,
      (error: unknown) => {
        // Our own stop of the follower is not a failure; anything else (an onLog that threw, a lost
        // connection) ends the wait too, leaving the container running for a later re-attach.
        if (error instanceof SshAborted && (stop.signal.aborted || drained.signal.aborted)) return;
        followerFailure = error;
        stop.abort();
        throw error;
      },
    );
  following.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile

  let exitCode: number;
  try {
    try {
      exitCode = exitCodeOf(name, await connection.exec(dockerWait(name, { sudo }), { timeoutMs: Number.POSITIVE_INFINITY, signal: stop.signal }));
    } catch (error) {
      if (followerFailure !== null) throw followerFailure;
      if (!(error instanceof SshAborted) || interruption === null) throw error;
      exitCode = await kill(connection, name, sudo);
    }
  } catch (error) {
    stop.abort();
    await following.catch(() => undefined);
    await log.close().catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', onAbort);
  }

  const drainTimer = setTimeout(() => drained.abort(), LOG_DRAIN_MS);
  try {
    await following;
  } finally {
    clearTimeout(drainTimer);
    await log.close();
  }
  const failure = classifyExit(exitCode, reader.facts, interruption, request.timeoutMs);
  if (failure !== null) throw failure;
  return exitCode;
}

/** Kills the one container by name, then reads its exit code; "not running" means it ended meanwhile. */
async function kill(connection: SshConnection, name: string, sudo: boolean | undefined): Promise<number> {
  await connection.exec(dockerKill(name, { sudo }), { timeoutMs: COMMAND_TIMEOUT_MS });
  return exitCodeOf(name, await connection.exec(dockerWait(name, { sudo }), { timeoutMs: COMMAND_TIMEOUT_MS }));
}

function exitCodeOf(name: string, waited: ExecResult): number {
  const code = waited.stdout.trim();
  if (waited.exitCode === 0 && /^\d+$/.test(code)) return Number(code);
  if (cliWasSignalled(waited)) {
    // Only the watcher died (a host shutting down, an OOM kill, someone's kill): the container
    // may run on. Lost contact, so the worker asks the container itself before deciding.
    throw new ExecutionFailure('SSH_FAILURE', `docker wait ${name} was stopped (${waited.signal ?? `exit ${waited.exitCode}`}) before the container ended`);
  }
  throw new ExecutionFailure('REMOTE_ERROR', `docker wait ${name} failed (exit ${waited.exitCode}): ${waited.stderr.trim().split('\n').at(-1) ?? ''}`);
}

/** Killed by a signal: reported as such, or as 128 + n by the login shell sshd ran it through. */
function cliWasSignalled(result: ExecResult): boolean {
  return result.exitCode === null || result.exitCode > 128;
}
