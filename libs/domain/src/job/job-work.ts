import type { ModelType } from '../prompt/prompt.events.js';
import type { RequestRun } from '../run/run.commands.js';
import type { RunKind } from '../run/run.events.js';
import { runConfigOf } from './job-config.js';
import type { JobKind, JobQueued, QueuedPrompt, QueuedUpscale } from './job.events.js';

export interface RunWork {
  readonly runId: string;
  readonly promptId: string;
  readonly kind: RunKind;
  readonly modelType: ModelType;
  readonly config: Readonly<Record<string, unknown>>;
  readonly prompt: QueuedPrompt & { readonly id: string };
}

/** Everything a job's execution needs, as its JobQueued says: no read model is read to run it. */
export interface JobWork {
  readonly jobId: string;
  readonly kind: JobKind;
  /** In the job's run order (a batch's JSONL line order). */
  readonly runs: readonly RunWork[];
  /** Upscale jobs only; null there when the source had no video left (a job queued before v3). */
  readonly upscale: QueuedUpscale | null;
  /** Who asked: the actor of what the job's results make (an enhancement's new prompt). */
  readonly queuedBy: string;
}

type QueuedData = JobQueued['data'];

const RUN_OF_JOB: Readonly<Record<JobKind, { kind: RunKind; modelType: ModelType }>> = {
  inference: { kind: 'inference', modelType: 'transfer' },
  batch_inference: { kind: 'inference', modelType: 'transfer' },
  upscale: { kind: 'upscale', modelType: 'upscale' },
  enhance: { kind: 'enhance', modelType: 'enhance' },
};

/** The kind and model of every run a job of this kind produces. */
export function runKindOf(kind: JobKind): { kind: RunKind; modelType: ModelType } {
  return RUN_OF_JOB[kind];
}

/**
 * The job's work from its JobQueued alone. Null for a job queued before v3, whose event does not
 * hold its prompts (or an upscale's source): its runs and prompts must be read from the catalog.
 */
export function jobWorkOf(queued: QueuedData): JobWork | null {
  const { prompts } = queued;
  if (prompts === null) return null;
  if (queued.kind === 'upscale' && queued.upscale === null) return null;
  const { kind, modelType } = runKindOf(queued.kind);
  const runs: RunWork[] = [];
  for (const [index, runId] of queued.runIds.entries()) {
    const promptId = queued.promptIds[index]!;
    const prompt = prompts[promptId];
    if (prompt === undefined) return null;
    runs.push({ runId, promptId, kind, modelType, config: runConfigOf(queued.kind, queued.config, index), prompt: { ...prompt, id: promptId } });
  }
  return { jobId: queued.jobId, kind: queued.kind, runs, upscale: queued.upscale, queuedBy: queued.queuedBy };
}

/** One run to request, with the command id every requester uses for it, so only the first lands. */
export interface RunRequest {
  readonly commandId: string;
  readonly command: RequestRun;
}

/**
 * The RequestRun of each run a job was queued with, in order. The API issues them right after the
 * job; a worker that finds a claimed job without them (the request stopped half-way) issues the
 * same ones, and whichever gets there first makes the run. A merged batch requests none: smart
 * batching moved runs that already exist. Null when the event predates v3 and lacks an upscale's
 * source.
 */
export function runRequestsOf(queued: QueuedData, at: { now: string; actor: string }): RunRequest[] | null {
  if (queued.mergedFrom !== undefined) return [];
  if (queued.kind === 'upscale' && queued.upscale === null) return null;
  const { kind, modelType } = runKindOf(queued.kind);
  return queued.runIds.map((runId, index) => ({
    commandId: `${queued.jobId}:run:${runId}`,
    command: {
      type: 'RequestRun',
      runId,
      promptId: queued.promptIds[index]!,
      jobId: queued.jobId,
      kind,
      modelType,
      config: runConfigOf(queued.kind, queued.config, index),
      sourceRunId: queued.upscale?.sourceRunId ?? null,
      sourceVideo: queued.upscale?.sourceVideo ?? null,
      now: at.now,
      actor: at.actor,
    },
  }));
}
