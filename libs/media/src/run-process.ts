import { spawn } from 'node:child_process';
import path from 'node:path';
import { MediaToolError } from './media.errors.js';

export interface RunOptions {
  readonly timeoutMs: number;
  /** Output beyond this is dropped (keeps the start of stdout and the end of stderr). */
  readonly maxOutputBytes?: number;
}

export type ProcessResult =
  | { readonly status: 'exited'; readonly exitCode: number | null; readonly stdout: string; readonly stderr: string }
  | { readonly status: 'timedOut'; readonly stderr: string };

/**
 * Runs a binary with an argv array (never a shell) and SIGKILLs it when the timeout passes.
 * Rejects only when the binary cannot be started at all.
 */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<ProcessResult> {
  const limit = options.maxOutputBytes ?? 4 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < limit) stdout += chunk.slice(0, limit - stdout.length);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-limit);
    });
    child.on('error', (error) => {
      settle(() => reject(new MediaToolError(`Could not run ${path.basename(file)} (${file}): ${error.message}`)));
    });
    // After a kill, a grandchild may still hold the pipes open, so 'close' could wait on it: settle on 'exit'.
    child.on('exit', () => {
      if (!timedOut) return;
      child.stdout.destroy();
      child.stderr.destroy();
      settle(() => resolve({ status: 'timedOut', stderr }));
    });
    child.on('close', (exitCode: number | null) => {
      settle(() => resolve(timedOut ? { status: 'timedOut', stderr } : { status: 'exited', exitCode, stdout, stderr }));
    });
  });
}

/** The last meaningful line of a tool's stderr, for error messages. */
export function lastLine(stderr: string, maxLength = 240): string {
  const lines = stderr.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  const line = lines.at(-1) ?? '';
  return line.length > maxLength ? `${line.slice(0, maxLength)}…` : line;
}
