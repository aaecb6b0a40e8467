import type { MergeIntoBatch, QueueJob } from '../job/job.commands.js';
import { runConfigOf } from '../job/job-config.js';
import type { JobKind, QueuedPrompt } from '../job/job.events.js';
import type { PlannedCommand } from '../job/request-plan.js';
import type { MoveRunToBatch } from '../run/run.commands.js';

/** A queued job a batch takes over, as its JobQueued said. */
export interface BatchSource {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly runIds: readonly string[];
  readonly promptIds: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  readonly priority: number;
  /** Alike across a planned batch (the planner's key), so the batch asks for the same. */
  readonly numGpus: number | null;
  readonly queuedAt: string;
}

interface At {
  readonly now: string;
  readonly actor: string;
}

/**
 * Applying one planned batch, in order: merge each source job (a refusal — the job is no longer
 * queued: claimed or cancelled since the plan — leaves that source out), move each merged job's
 * runs into the batch (a refusal — the run is no longer a pending run of its job — leaves that
 * run out), then queue the batch with the runs that moved (nothing, when none did). Every command
 * id derives from the batch, so an apply cut short and completed again (verifyIntegrity's fix)
 * repeats no step.
 */
export function mergeSteps(batchJobId: string, sourceJobIds: readonly string[], at: At): PlannedCommand<MergeIntoBatch>[] {
  return sourceJobIds.map((jobId) => ({ commandId: `${batchJobId}:merge:${jobId}`, command: { type: 'MergeIntoBatch', jobId, batchJobId, ...at } }));
}

/** A run to move, with what the batch keeps of it: its prompt and its config as queued. */
export interface RunMove extends PlannedCommand<MoveRunToBatch> {
  readonly promptId: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** `merged` in queue order: the batch's JSONL keeps the sources' order. */
export function moveSteps(batchJobId: string, merged: readonly BatchSource[], at: At): RunMove[] {
  return merged.flatMap((source) =>
    source.runIds.map((runId, index) => ({
      commandId: `${batchJobId}:move:${runId}`,
      command: { type: 'MoveRunToBatch' as const, runId, fromJobId: source.jobId, batchJobId, ...at },
      promptId: source.promptIds[index]!,
      // The job holds every run's config as queued: no run needs reading again.
      config: { ...runConfigOf(source.kind, source.config, index) },
    })),
  );
}

/**
 * The batch job, from the runs that moved: the first source's priority and the earliest source's
 * place in the queue, each prompt as its source queued it. Null when no run moved.
 */
export function batchQueueStep(
  batchJobId: string,
  merged: readonly BatchSource[],
  moved: readonly RunMove[],
  prompts: Readonly<Record<string, QueuedPrompt>>,
  at: At,
): PlannedCommand<QueueJob> | null {
  if (moved.length === 0 || merged.length === 0) return null;
  const command: QueueJob = {
    type: 'QueueJob',
    jobId: batchJobId,
    kind: 'batch_inference',
    runIds: moved.map((move) => move.command.runId),
    promptIds: moved.map((move) => move.promptId),
    config: { runs: moved.map((move) => move.config) },
    prompts,
    upscale: null,
    priority: merged[0]!.priority,
    ...(merged[0]!.numGpus === null ? {} : { numGpus: merged[0]!.numGpus }),
    idempotencyKey: null,
    retryOf: null,
    merged: { from: merged.map((source) => source.jobId), queuedAt: merged.map((source) => source.queuedAt).sort()[0]! },
    ...at,
  };
  return { commandId: `${batchJobId}:queue`, command };
}
