import type { JobFailureReason, JobKind, JobStage, QueuedPrompt, QueuedUpscale } from './job.events.js';

export interface QueueJob {
  readonly type: 'QueueJob';
  readonly jobId: string;
  readonly kind: JobKind;
  readonly runIds: readonly string[];
  readonly promptIds: readonly string[];
  readonly config: Readonly<Record<string, unknown>>;
  /** Each prompt as it is now: what the job's runs generate from, whatever the prompt becomes while they wait. */
  readonly prompts: Readonly<Record<string, QueuedPrompt>>;
  /** An upscale job's source, resolved; null for every other kind. */
  readonly upscale: QueuedUpscale | null;
  readonly priority: number;
  /** GPUs the container gets (jobGpuCountProblem's rule); absent: one. */
  readonly numGpus?: number;
  readonly idempotencyKey: string | null;
  readonly retryOf: string | null;
  /** Only for a batch made by smart batching: the merged jobs, and the earliest one's queuedAt. */
  readonly merged?: { readonly from: readonly string[]; readonly queuedAt: string };
  readonly now: string;
  readonly actor: string;
}

/** Only while queued; the same priority again is a no-op. */
export interface ChangeJobPriority {
  readonly type: 'ChangeJobPriority';
  readonly jobId: string;
  readonly priority: number;
  readonly now: string;
  readonly actor: string;
}

/** `attempt` is the previous attempts + 1; the container name is derived from it. */
export interface ClaimJob {
  readonly type: 'ClaimJob';
  readonly jobId: string;
  readonly node: string;
  readonly attempt: number;
  /** The node's GPUs the attempt takes (gpu-slots.ts chose them); absent for a claim of the whole node. */
  readonly gpus?: readonly number[];
  readonly now: string;
}

/** Forward only; a lower percent within the stage is refused, the same one is a no-op. */
export interface ChangeJobStage {
  readonly type: 'ChangeJobStage';
  readonly jobId: string;
  readonly stage: JobStage;
  readonly percent: number;
  readonly now: string;
}

export interface SucceedJob {
  readonly type: 'SucceedJob';
  readonly jobId: string;
  readonly now: string;
}

export interface FailJob {
  readonly type: 'FailJob';
  readonly jobId: string;
  readonly reason: JobFailureReason;
  readonly message: string;
  readonly exitCode: number | null;
  readonly now: string;
}

/** A queued job is cancelled at once; a claimed one waits for its container to be killed. */
export interface RequestCancel {
  readonly type: 'RequestCancel';
  readonly jobId: string;
  readonly reason: string;
  /** Refuse (JOB_NOT_QUEUED) rather than stop a job a node holds: clearing the queue never stops work in progress. */
  readonly queuedOnly?: boolean;
  readonly now: string;
  readonly actor: string;
}

/** A worker killed the container (or found none) of a job whose cancel was requested. */
export interface ConfirmCancel {
  readonly type: 'ConfirmCancel';
  readonly jobId: string;
  readonly now: string;
}

/** Gives back a claim whose container never started; `maxAttempts` is configuration. */
export interface ReleaseJob {
  readonly type: 'ReleaseJob';
  readonly jobId: string;
  readonly reason: string;
  readonly maxAttempts: number;
  readonly now: string;
}

/** Links a failed or cancelled job to its copy `newJobId`; queueing the copy is a separate QueueJob. */
export interface RetryJob {
  readonly type: 'RetryJob';
  readonly jobId: string;
  readonly newJobId: string;
  readonly now: string;
  readonly actor: string;
}

/** Only while queued and not asked to cancel: the job's runs move to the batch job `batchJobId`. */
export interface MergeIntoBatch {
  readonly type: 'MergeIntoBatch';
  readonly jobId: string;
  readonly batchJobId: string;
  readonly now: string;
  readonly actor: string;
}

export type JobCommand =
  | QueueJob
  | ChangeJobPriority
  | ClaimJob
  | ChangeJobStage
  | SucceedJob
  | FailJob
  | RequestCancel
  | ConfirmCancel
  | ReleaseJob
  | RetryJob
  | MergeIntoBatch;
