import type { ReserveIdempotencyKey } from './idempotency.js';
import { requestDifferences } from './idempotency.js';
import type { QueueJob } from './job.commands.js';
import type { JobKind, JobQueued, QueuedPrompt, QueuedUpscale } from './job.events.js';
import { type RunRequest, runRequestsOf } from './job-work.js';

/**
 * Requesting a job spans streams no transaction covers (the idempotency key, the job, each run),
 * so every step's command id derives from the key or the job: a request repeated after a crash
 * half-way finds the steps already taken (their events are recognised) and takes only the rest.
 * In order: reserve the key (if any) → queue the job → request each run.
 */
export interface JobRequest {
  readonly jobId: string;
  readonly kind: JobKind;
  /** In the job's run order. */
  readonly runs: readonly { readonly promptId: string; readonly config: Readonly<Record<string, unknown>> }[];
  readonly prompts: Readonly<Record<string, QueuedPrompt>>;
  readonly upscale: QueuedUpscale | null;
  readonly priority: number;
  /** GPUs the container gets; a retry of a job queued before GPU slots names none (one). */
  readonly numGpus?: number;
  readonly idempotencyKey: string | null;
  readonly retryOf: string | null;
  readonly now: string;
  readonly actor: string;
}

export interface PlannedCommand<C> {
  readonly commandId: string;
  readonly command: C;
}

/** Step 1: the key names this job if it is free; the reservation's answer names the job to go on with (the first request's). */
export function reserveKeyStep(key: string, jobId: string, now: string): PlannedCommand<ReserveIdempotencyKey> {
  // The command id depends on the key alone, so a repeat gets the first reservation's event back.
  return { commandId: `idempotency:${key}`, command: { type: 'ReserveIdempotencyKey', key, jobId, now } };
}

/** Step 2: the job, with fresh run ids; a repeat's answer holds the first request's. */
export function queueJobStep(request: JobRequest, freshRunIds: readonly string[]): PlannedCommand<QueueJob> {
  const configs = request.runs.map((run) => ({ ...run.config }));
  return {
    commandId: `${request.jobId}:queue`,
    command: {
      type: 'QueueJob',
      jobId: request.jobId,
      kind: request.kind,
      runIds: [...freshRunIds],
      promptIds: request.runs.map((run) => run.promptId),
      config: request.kind === 'batch_inference' ? { runs: configs } : configs[0]!,
      prompts: request.prompts,
      upscale: request.upscale,
      priority: request.priority,
      ...(request.numGpus === undefined ? {} : { numGpus: request.numGpus }),
      idempotencyKey: request.idempotencyKey,
      retryOf: request.retryOf,
      now: request.now,
      actor: request.actor,
    },
  };
}

/**
 * Step 3, from the JobQueued that answered step 2 (this request's, or the first one's on a
 * repeat): the runs to request, or the refusal of a key first used for a different request.
 */
export type AfterQueued = { readonly kind: 'request_runs'; readonly runs: readonly RunRequest[] } | { readonly kind: 'key_reused'; readonly differences: readonly string[] };

export function afterQueued(answered: JobQueued['data'], asked: QueueJob): AfterQueued {
  // Fresh run ids that did not land mean the key's first request answered: it must be this one.
  if (asked.idempotencyKey !== null && answered.runIds[0] !== asked.runIds[0]) {
    const differences = requestDifferences(answered, asked);
    if (differences.length > 0) return { kind: 'key_reused', differences };
  }
  // A repeat of a request first made before v3 gets that JobQueued back, without its upscale source.
  const runs = runRequestsOf({ ...answered, upscale: answered.upscale ?? asked.upscale }, { now: asked.now, actor: asked.actor }) ?? [];
  return { kind: 'request_runs', runs };
}
