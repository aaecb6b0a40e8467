import type { DomainEvent } from '../shared/domain-event.js';
import type { FailureReason } from '../run/run.events.js';
import type { LocalFile } from '../cosmos/remote-layout.js';
import type { ModelType, PromptInputs } from '../prompt/prompt.events.js';

/** One stream per job: `job-job_<hex>`. */
export function jobStream(jobId: string): string {
  return `job-${jobId}`;
}

export const JOB_KINDS = ['inference', 'batch_inference', 'upscale', 'enhance'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/** In order; a claimed job only moves forward through them (stages may be skipped). */
export const JOB_STAGES = ['uploading', 'running', 'downloading'] as const;
export type JobStage = (typeof JOB_STAGES)[number];

/** A job fails for the same typed reasons as the runs it produces. */
export type JobFailureReason = FailureReason;

export type JobQueued = DomainEvent<
  'JobQueued',
  {
    jobId: string;
    kind: JobKind;
    /** The runs this job produces, in order; run i belongs to promptIds[i]. */
    runIds: string[];
    promptIds: string[];
    /**
     * The full execution config, so the job can be repeated without knowing today's defaults.
     * A batch_inference job holds one config per run under `runs`, in runIds order.
     */
    config: Record<string, unknown>;
    /**
     * Schema v3: each prompt as it was when the job was queued, which its runs generate from (an
     * OVERWRITE enhancement landing while they wait changes the prompt, not them) and the worker
     * runs the job from. Null on older events: those runs read the prompt as it is when they start.
     */
    prompts: Record<string, QueuedPrompt> | null;
    /** Schema v3, upscale jobs: the source as resolved when queued. Null for other kinds and older events. */
    upscale: QueuedUpscale | null;
    /** Schema v2 only (v3 keeps the whole prompt in `prompts`): each prompt's text when queued, or null on v1. */
    promptTexts?: Record<string, QueuedPromptText> | null;
    /** 0..100, higher first. */
    priority: number;
    idempotencyKey: string | null;
    /** The failed or cancelled job this one retries. */
    retryOf: string | null;
    /**
     * A batch made by smart batching: the queued jobs whose runs it took over (each ended
     * JobMergedIntoBatch). Absent on every other job, and on events written before batching existed.
     */
    mergedFrom?: string[];
    /**
     * GPUs the job's container gets on its node, each its own (1, 2, 4 or 8). Absent on events
     * written before GPU slots: such a job takes every GPU of its node, as it did then.
     */
    numGpus?: number;
    /** For a merged batch, the earliest source's: the batch keeps the first job's place in the queue. */
    queuedAt: string;
    queuedBy: string;
  }
>;

/** A prompt as it was when a job was queued: what its runs generate from and an enhancement builds on. */
export interface QueuedPrompt {
  readonly text: string;
  readonly negativePrompt: string;
  readonly name: string;
  readonly modelType: ModelType;
  readonly inputs: PromptInputs;
}

/** What an upscale job reads, resolved when it was queued: a run's output video or an input video. */
export interface QueuedUpscale {
  readonly sourceRunId: string | null;
  /** Relative to the inputs root. */
  readonly sourceVideo: string | null;
  readonly video: LocalFile;
}

/** A v2 JobQueued's record of what a run generates from. */
export interface QueuedPromptText {
  text: string;
  negativePrompt: string;
}

export const JOB_QUEUED_SCHEMA_VERSION = 3;

/** v1 → v2: no text was kept; null tells the worker to read the prompt as it is now. */
export function jobQueuedFromV1(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, promptTexts: null };
}

/** v2 → v3: the texts stay where v2 kept them; the rest of each prompt (and an upscale's source) is read when the job runs. */
export function jobQueuedFromV2(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, prompts: null, upscale: null };
}

export type JobPriorityChanged = DomainEvent<'JobPriorityChanged', { priority: number; changedBy: string; at: string }>;

export type JobClaimed = DomainEvent<
  'JobClaimed',
  {
    node: string;
    attempt: number;
    containerName: string;
    claimedAt: string;
    /** The node's GPU indices this attempt holds, none shared with another running attempt; absent before GPU slots (the node's whole GPU setting). */
    gpus?: number[];
  }
>;

export type JobStageChanged = DomainEvent<'JobStageChanged', { stage: JobStage; percent: number; at: string }>;

/** Duration of the succeeding attempt, from its claim: what the queue's ETA learns from. */
export type JobSucceeded = DomainEvent<'JobSucceeded', { at: string; durationSeconds: number }>;

export type JobFailed = DomainEvent<'JobFailed', { reason: JobFailureReason; message: string; exitCode: number | null; at: string }>;

/** The container is still running; a worker kills it and confirms with JobCancelled. */
export type JobCancelRequested = DomainEvent<'JobCancelRequested', { by: string; reason: string; at: string }>;

export type JobCancelled = DomainEvent<'JobCancelled', { by: string; reason: string; at: string }>;

/** The copy is a new job whose JobQueued carries `retryOf`. */
export type JobRetried = DomainEvent<'JobRetried', { newJobId: string; by: string; at: string }>;

/**
 * Smart batching moved this queued job's runs into the batch_inference job `batchJobId` (whose
 * JobQueued lists this job in `mergedFrom`). Final: the runs go on under the batch.
 */
export type JobMergedIntoBatch = DomainEvent<'JobMergedIntoBatch', { batchJobId: string; by: string; at: string }>;

/** A claim abandoned before the container started (e.g. a crash during upload): queued again for the next attempt. */
export type JobReleased = DomainEvent<'JobReleased', { reason: string; at: string }>;

export type JobEvent =
  | JobQueued
  | JobPriorityChanged
  | JobClaimed
  | JobStageChanged
  | JobSucceeded
  | JobFailed
  | JobCancelRequested
  | JobCancelled
  | JobRetried
  | JobReleased
  | JobMergedIntoBatch;

export const JOB_EVENT_TYPES: readonly JobEvent['type'][] = [
  'JobQueued',
  'JobPriorityChanged',
  'JobClaimed',
  'JobStageChanged',
  'JobSucceeded',
  'JobFailed',
  'JobCancelRequested',
  'JobCancelled',
  'JobRetried',
  'JobReleased',
  'JobMergedIntoBatch',
];
