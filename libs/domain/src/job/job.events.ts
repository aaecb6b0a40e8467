import type { DomainEvent } from '../shared/domain-event.js';
import type { FailureReason } from '../run/run.events.js';

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
     * Schema v2: each prompt's text when the job was queued, which its runs generate from (an
     * OVERWRITE enhancement landing while they wait changes the prompt, not them). Null on v1
     * events, written before it was kept: those runs read the prompt as it is when they start.
     */
    promptTexts: Record<string, QueuedPromptText> | null;
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
    /** For a merged batch, the earliest source's: the batch keeps the first job's place in the queue. */
    queuedAt: string;
    queuedBy: string;
  }
>;

/** What a run generates from, as the prompt said it when the run was queued. */
export interface QueuedPromptText {
  text: string;
  negativePrompt: string;
}

export const JOB_QUEUED_SCHEMA_VERSION = 2;

/** v1 → v2: no text was kept; null tells the worker to read the prompt as it is now. */
export function jobQueuedFromV1(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, promptTexts: null };
}

export type JobPriorityChanged = DomainEvent<'JobPriorityChanged', { priority: number; changedBy: string; at: string }>;

export type JobClaimed = DomainEvent<'JobClaimed', { node: string; attempt: number; containerName: string; claimedAt: string }>;

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
