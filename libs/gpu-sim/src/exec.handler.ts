import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ServerChannel } from 'ssh2';
import { assertNever } from '../../domain/src/index.js';
import type { HostRoot } from './host-root.js';
import { abortExitCode, write, type Program } from './program.js';
import { parseCommandLine } from './shell-words.js';
import { PacedOutput } from './paced-output.js';

export interface ExecHost {
  readonly root: HostRoot;
  readonly programs: ReadonlyMap<string, Program>;
}

export interface ExecRequest {
  readonly commandLine: string;
  readonly channel: ServerChannel;
  readonly env: Readonly<Record<string, string>>;
  /** Aborted with a StopSignal (see program.ts) when the running program should stop. */
  readonly stop: AbortSignal;
  /** Aborted once the client can no longer receive anything on this channel. */
  readonly gone: AbortSignal;
}

/** Runs one `exec` request to completion: output, then exit status, then close, as sshd orders them. */
export async function runExec(host: ExecHost, request: ExecRequest): Promise<void> {
  const { channel, gone } = request;
  // ssh2 ends both streams when the client closes the channel; a late write must not crash the host.
  channel.on('error', ignore);
  channel.stderr.on('error', ignore);
  const code = await runCommandLine(host, request);
  if (gone.aborted) return;
  channel.exit(code);
  channel.end();
}

async function runCommandLine(host: ExecHost, request: ExecRequest): Promise<number> {
  const parsed = parseCommandLine(request.commandLine);
  switch (parsed.kind) {
    case 'unsupported':
      return report(request, `gpu-sim: unsupported shell syntax: ${parsed.reason}`, 2);
    case 'commands': {
      let code = 0;
      // `a && b`: b runs only when a succeeded, and the line answers the last code.
      for (const words of parsed.commands) {
        if (request.stop.aborted) return abortExitCode(request.stop);
        code = await runProgram(host, request, words);
        if (code !== 0) break;
      }
      return code;
    }
    default:
      return assertNever(parsed);
  }
}

async function runProgram(host: ExecHost, request: ExecRequest, words: readonly string[]): Promise<number> {
  // Our client prefixes privileged commands with `sudo -n`; the simulated host has one user.
  const argv = words[0] === 'sudo' && words[1] === '-n' ? words.slice(2) : words;
  if (argv.length === 0) return report(request, 'gpu-sim: sudo: a command is required', 1);
  const program = host.programs.get(argv[0]);
  if (program === undefined) return report(request, `gpu-sim: ${argv[0]}: command not found`, 127);

  const stdout = channelOutput(request.channel, request.gone);
  const stderr = channelOutput(request.channel.stderr, request.gone);
  let code: number;
  try {
    code = await program({
      argv,
      cwd: host.root.dir,
      env: request.env,
      stdin: request.channel,
      stdout,
      stderr,
      signal: request.stop,
      resolvePath: (path) => host.root.resolve(path),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The program may have ended its stderr before throwing; the line is then lost, not fatal.
    await write(stderr, `gpu-sim: ${argv[0]}: ${message}\n`).catch(ignore);
    code = 1;
  }
  await Promise.all([drain(stdout), drain(stderr)]);
  return code;
}

async function report(request: ExecRequest, line: string, code: number): Promise<number> {
  const stderr = channelOutput(request.channel.stderr, request.gone);
  await write(stderr, `${line}\n`);
  await drain(stderr);
  return code;
}


/** Everything the program wrote has reached ssh2 (or been dropped because the client left). */
async function drain(output: PacedOutput): Promise<void> {
  if (!output.writableEnded) output.end();
  await finished(output).catch(ignore);
}

function ignore(): void {}

/** ssh2 never calls back a write on a closed channel, hence the pacing's `gone`. */
function channelOutput(target: Writable, gone: AbortSignal): PacedOutput {
  return new PacedOutput((chunk, sent) => target.write(chunk, () => sent()), gone);
}
