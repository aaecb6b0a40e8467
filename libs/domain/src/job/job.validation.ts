import type { FieldProblem } from '../shared/domain-error.js';
import { JOB_ID } from '../shared/ids.js';
import type { QueueJob } from './job.commands.js';
import { JOB_KINDS, type JobKind } from './job.events.js';
import { idempotencyKeyProblem } from './idempotency.js';

export const MIN_JOB_PRIORITY = 0;
export const MAX_JOB_PRIORITY = 100;
/** The predecessor's default, kept so imported habits still mean "normal". */
export const DEFAULT_JOB_PRIORITY = 50;

export function jobIdProblem(jobId: unknown): string | null {
  return typeof jobId === 'string' && JOB_ID.test(jobId) ? null : `must be 'job_' and 12 to 32 lower-case hex digits (got ${JSON.stringify(jobId)})`;
}

/** `typeof` guards the JSON boundary, as for ratings: `true` must not pass as 1. */
export function priorityProblem(priority: unknown): string | null {
  if (typeof priority === 'number' && Number.isInteger(priority) && priority >= MIN_JOB_PRIORITY && priority <= MAX_JOB_PRIORITY) return null;
  return `must be a whole number from ${MIN_JOB_PRIORITY} to ${MAX_JOB_PRIORITY}, higher runs first (got ${JSON.stringify(priority)})`;
}

/** What a job may ask of its node: torchrun's process counts the model is run with (reference §1.1). */
export const JOB_GPU_COUNTS = [1, 2, 4, 8] as const;

/** The prompt upsampler runs on one GPU whatever it is given, so an enhance job asks for one. */
export function jobGpuCountProblem(kind: JobKind, numGpus: unknown): string | null {
  if (!(JOB_GPU_COUNTS as readonly unknown[]).includes(numGpus)) return `must be one of ${JOB_GPU_COUNTS.join(', ')} (got ${JSON.stringify(numGpus)})`;
  if (kind === 'enhance' && numGpus !== 1) return 'must be 1: the prompt upsampler runs on one GPU';
  return null;
}

/** The GPUs one attempt holds: at least one, each a node index, none twice. */
export function claimedGpusProblem(gpus: readonly number[]): string | null {
  if (gpus.length > 0 && new Set(gpus).size === gpus.length && gpus.every((index) => Number.isInteger(index) && index >= 0)) return null;
  return `must be distinct GPU indices of at least 0 (got ${JSON.stringify(gpus)})`;
}

export function percentProblem(percent: unknown): string | null {
  if (typeof percent === 'number' && Number.isInteger(percent) && percent >= 0 && percent <= 100) return null;
  return `must be a whole number from 0 to 100 (got ${JSON.stringify(percent)})`;
}

export function queueProblems(command: QueueJob): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, problem: string | null) => {
    if (problem !== null) problems.push({ field, problem });
  };
  add('input.jobId', jobIdProblem(command.jobId));
  if (!(JOB_KINDS as readonly string[]).includes(command.kind)) {
    add('input.kind', `must be one of ${JOB_KINDS.join(', ')} (got ${JSON.stringify(command.kind)})`);
  }
  add('input.runIds', runIdsProblem(command));
  if (command.promptIds.length !== command.runIds.length) {
    add('input.promptIds', `needs one prompt per run: ${command.runIds.length} run(s), ${command.promptIds.length} prompt(s)`);
  }
  add('input.config', configProblem(command));
  add('input.prompts', promptsProblem(command));
  add('input.upscale', upscaleProblem(command));
  add('input.priority', priorityProblem(command.priority));
  if (command.numGpus !== undefined) add('input.numGpus', jobGpuCountProblem(command.kind, command.numGpus));
  if (command.idempotencyKey !== null) add('input.idempotencyKey', idempotencyKeyProblem(command.idempotencyKey));
  if (command.retryOf !== null) {
    add('input.retryOf', command.retryOf === command.jobId ? 'a job cannot retry itself' : jobIdProblem(command.retryOf));
  }
  if (command.merged !== undefined) add('input.merged', mergedProblem(command));
  return problems;
}

/** The job runs from what it was queued with: every prompt it names must be there. */
function promptsProblem({ promptIds, prompts }: QueueJob): string | null {
  const missing = [...new Set(promptIds.filter((promptId) => prompts[promptId] === undefined))];
  return missing.length === 0 ? null : `holds no queued text for ${missing.join(', ')}`;
}

function upscaleProblem({ kind, upscale }: QueueJob): string | null {
  if (kind === 'upscale' && upscale === null) return 'an upscale job needs its resolved source';
  if (kind !== 'upscale' && upscale !== null) return `an ${kind} job has no upscale source`;
  return null;
}

function runIdsProblem({ kind, runIds }: QueueJob): string | null {
  if (runIds.length === 0) return 'a job produces at least one run';
  if (kind !== 'batch_inference' && runIds.length !== 1) {
    return `an ${kind} job produces exactly one run (got ${runIds.length}); queue a batch_inference job for several`;
  }
  const duplicates = [...new Set(runIds.filter((id, index) => runIds.indexOf(id) !== index))];
  return duplicates.length === 0 ? null : `lists ${duplicates.join(', ')} more than once`;
}

function configProblem({ kind, runIds, config }: QueueJob): string | null {
  if (kind !== 'batch_inference') return null;
  const runs = config.runs;
  if (!Array.isArray(runs)) return 'a batch_inference job holds one config per run under "runs"';
  return runs.length === runIds.length ? null : `"runs" holds ${runs.length} config(s) for ${runIds.length} run(s)`;
}

function mergedProblem({ jobId, kind, merged }: QueueJob): string | null {
  if (merged === undefined) return null;
  if (kind !== 'batch_inference') return `only a batch_inference job is made by merging (got ${kind})`;
  if (merged.from.length === 0) return 'names at least one merged job';
  if (merged.from.includes(jobId)) return 'a job cannot be merged into itself';
  const badId = merged.from.map(jobIdProblem).find((problem) => problem !== null);
  if (badId !== undefined) return `from: ${badId}`;
  return Number.isNaN(Date.parse(merged.queuedAt)) ? `queuedAt must be an ISO timestamp (got ${JSON.stringify(merged.queuedAt)})` : null;
}
