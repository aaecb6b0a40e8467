import type { Client, ClientChannel } from 'ssh2';
import { SshAborted, SshConnectionLost, SshTimeout } from './gpu.errors.js';
import { OutputCapture } from './output-capture.js';
import { shellCommand } from './shell-quote.js';

export interface ExecOptions {
  /** From the moment the command starts; `Infinity` for none. On expiry the command is killed (see runRemoteCommand). */
  readonly timeoutMs: number;
  /** Each stdout line as it arrives, without its newline. */
  readonly onStdout?: (line: string) => void;
  readonly onStderr?: (line: string) => void;
  /** Aborting kills the command like a timeout and rejects with SshAborted. */
  readonly signal?: AbortSignal;
  /** Kept per stream (stdout from its start, stderr from its end); lines are streamed regardless. */
  readonly maxOutputBytes?: number;
}

export interface ExecResult {
  /** null when the program was ended by a signal. */
  readonly exitCode: number | null;
  /** `KILL`, `TERM`, … as the server names it. */
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Some output was dropped from `stdout`/`stderr` (never from the line callbacks). */
  readonly truncated: boolean;
}

export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** The channel could not be opened, so the command certainly did not start. */
export class ChannelNotOpened extends Error {}

/**
 * Runs `shellCommand(argv)` on a new channel. On timeout or abort it sends the SSH "signal" request
 * (KILL), which OpenSSH (since 7.8) delivers with killpg to the command's whole process group, closes the channel
 * and rejects at once. OpenSSH refuses signals to root logins ("session signalling requires
 * privilege separation"); there a command that keeps writing dies of SIGPIPE once the channel is
 * closed, but a silent one runs on until it ends by itself, so GPU nodes should use a non-root
 * login. The command line stays exactly `shellCommand(argv)`: no shell wrapper is added.
 */
export function runRemoteCommand(client: Client, node: string, argv: readonly string[], options: ExecOptions): Promise<ExecResult> {
  const commandLine = shellCommand(argv);
  const maxBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new OutputCapture('head', maxBytes, options.onStdout);
  const stderr = new OutputCapture('tail', maxBytes, options.onStderr);

  return new Promise<ExecResult>((resolve, reject) => {
    let channel: ClientChannel | undefined;
    let exit: { code: number | null; signal: string | null } | undefined;
    let stopping: Error | undefined;
    let connectionLost = false;
    let timer: NodeJS.Timeout | undefined;
    let pendingCloses = 2; // the channel and its stderr stream
    let settled = false;

    const onClientClose = (): void => {
      connectionLost = true;
    };
    const onAbort = (): void => stop(new SshAborted(node, `${argv[0]} aborted`));
    const cleanUp = (): void => {
      clearTimeout(timer);
      client.removeListener('close', onClientClose);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const stop = (reason: Error): void => {
      if (stopping || settled) return;
      stopping = reason;
      clearTimeout(timer);
      // Once the exit status is in, the command has finished and only its close is pending.
      if (!channel || exit !== undefined) return;
      channel.signal('KILL');
      channel.close();
      // sshd confirms the close only when the program has exited, which for a root login may be never.
      finish();
    };
    /** A throwing line callback stops the command and becomes the rejection. */
    const guarded = (write: () => void): void => {
      if (settled) return;
      try {
        write();
      } catch (error) {
        stop(error instanceof Error ? error : new Error(String(error)));
      }
    };
    const finish = (): void => {
      if (settled) return;
      settled = true;
      cleanUp();
      try {
        // Hands on unterminated last lines.
        stdout.end();
        stderr.end();
      } catch (error) {
        stopping ??= error instanceof Error ? error : new Error(String(error));
      }
      if (stopping) reject(stopping);
      else if (exit === undefined && connectionLost) reject(new SshConnectionLost(node, `connection lost while ${argv[0]} ran`));
      else {
        resolve({
          exitCode: exit?.code ?? null,
          signal: exit?.signal ?? null,
          stdout: stdout.text,
          stderr: stderr.text,
          truncated: stdout.truncated || stderr.truncated,
        });
      }
    };

    client.on('close', onClientClose);
    const opened = (error: Error | undefined, ch: ClientChannel): void => {
      if (error) {
        cleanUp();
        reject(new ChannelNotOpened(error.message, { cause: error }));
        return;
      }
      channel = ch;
      ch.on('data', (chunk: Buffer) => guarded(() => stdout.write(chunk)));
      ch.stderr.on('data', (chunk: Buffer) => guarded(() => stderr.write(chunk)));
      ch.on('exit', (code: number | null, signal?: string) => {
        exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
        clearTimeout(timer);
      });
      const closed = (): void => {
        if (--pendingCloses === 0) finish();
      };
      ch.on('close', closed);
      ch.stderr.on('close', closed);
      if (options.signal?.aborted) onAbort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (Number.isFinite(options.timeoutMs)) {
        // setTimeout fires at once for delays beyond 2^31-1 ms, so clamp (~24.8 days).
        const delay = Math.min(Math.max(0, options.timeoutMs), 2 ** 31 - 1);
        timer = setTimeout(() => stop(new SshTimeout(node, argv[0] ?? '', options.timeoutMs)), delay);
      }
    };
    try {
      client.exec(commandLine, opened);
    } catch (error) {
      // ssh2 throws "Not connected" synchronously when the socket is gone but 'close' is still queued.
      cleanUp();
      reject(new ChannelNotOpened((error as Error).message, { cause: error }));
    }
  });
}
