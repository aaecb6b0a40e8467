import { setTimeout as delay } from 'node:timers/promises';
import { abortExitCode, write, type ProgramContext } from './program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/**
 * How the simulated model speaks: cosmos-transfer1's loguru lines on stdout
 * (`[MM-DD HH:mm:ss|LEVEL|file:line:func] msg`, reference §8), tqdm bars and Python tracebacks
 * on stderr.
 */
export type LogLevel = 'INFO' | 'WARNING' | 'ERROR' | 'CRITICAL';

export interface ModelVoice {
  log(level: LogLevel, message: string): Promise<void>;
  /** A traceback ending in `lastLine` (`ValueError: …`), then torchrun's summary; resolves with `exitCode`. */
  crash(lastLine: string, exitCode?: number): Promise<number>;
  /** tqdm lines for steps `from + 1 … to` of `total`, spread over `ms`; resolves false when stopped. */
  sample(range: { readonly from: number; readonly to: number; readonly total: number }, ms: number): Promise<boolean>;
  /** Waits until the program is stopped (the `hang` outcome). */
  hang(): Promise<number>;
}

export function modelVoice(ctx: ProgramContext, source: { readonly file: string; readonly func: string }): ModelVoice {
  return {
    async log(level, message) {
      await write(ctx.stdout, `[${loguruTime(new Date())}|${level}|${source.file}:${lineOf(message)}:${source.func}] ${message}\n`);
    },
    async crash(lastLine, exitCode = 1) {
      await write(
        ctx.stderr,
        [
          'Traceback (most recent call last):',
          `  File "/workspace/${source.file}", line ${lineOf(lastLine)}, in <module>`,
          `    ${source.func}(args)`,
          lastLine,
          `E0000 00:00:00.000000 torch/distributed/elastic/multiprocessing/api.py: failed (exitcode: ${exitCode}) local_rank: 0 (pid: 4242) of binary: /usr/bin/python`,
          '',
        ].join('\n'),
      );
      return exitCode;
    },
    async sample({ from, to, total }, ms) {
      const started = Date.now();
      for (let step = from + 1; step <= to; step += 1) {
        try {
          await delay(ms / Math.max(1, to - from), undefined, { signal: ctx.signal });
        } catch {
          return false;
        }
        await write(ctx.stderr, `${tqdmLine(step, total, Date.now() - started)}\n`);
      }
      return true;
    },
    async hang() {
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve, { once: true }));
      return abortExitCode(ctx.signal);
    },
  };
}

/** Whether a model process should stop here with the behaviour's failure, and how. */
export async function failHere(voice: ModelVoice, behaviour: SimulatedBehaviour): Promise<number | null> {
  const { outcome } = behaviour;
  if (outcome.kind !== 'fail') return null;
  return voice.crash(outcome.message, outcome.exitCode);
}

/** ` 40%|████      | 14/35 [00:02<00:03,  5.00it/s]`: what tqdm prints, one line per update. */
export function tqdmLine(step: number, total: number, elapsedMs: number): string {
  const percent = Math.floor((step / total) * 100);
  const filled = Math.floor((step / total) * 10);
  const rate = elapsedMs > 0 ? (step * 1000) / elapsedMs : 0;
  const remaining = rate > 0 ? ((total - step) / rate) * 1000 : 0;
  return `${String(percent).padStart(3)}%|${'█'.repeat(filled)}${' '.repeat(10 - filled)}| ${step}/${total} [${clock(elapsedMs)}<${clock(remaining)}, ${rate.toFixed(2).padStart(6)}it/s]`;
}

function clock(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return `${pad(Math.floor(seconds / 60))}:${pad(seconds % 60)}`;
}

function loguruTime(at: Date): string {
  return `${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** A plausible, stable source line number for a message. */
function lineOf(message: string): number {
  let hash = 0;
  for (const c of message.slice(0, 24)) hash = (hash * 31 + c.charCodeAt(0)) % 400;
  return 100 + hash;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Loading the pipeline: each cold transfer.py pays it, the model server at start and on a hint change. False when stopped meanwhile. */
export async function loadPipeline(ctx: ProgramContext, voice: ModelVoice, behaviour: SimulatedBehaviour): Promise<boolean> {
  if (behaviour.modelLoadMs <= 0) return true;
  await voice.log('INFO', 'Loading the diffusion pipeline and its control models');
  try {
    await delay(behaviour.modelLoadMs, undefined, { signal: ctx.signal });
  } catch {
    return false;
  }
  await voice.log('INFO', `Pipeline loaded in ${(behaviour.modelLoadMs / 1000).toFixed(1)}s`);
  return true;
}

