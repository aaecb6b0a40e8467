import type { JobFailureReason, JobKind, JobStage, JobStatus, QueuedPrompt } from '../../../domain/src/index.js';

// The lifecycle's vocabulary is the domain's; callers keep naming it from the document.
export { ACTIVE_JOB_STATUSES, FINISHED_JOB_STATUSES, JOB_STATUSES, type ActiveJobStatus, type FinishedJobStatus, type JobStatus } from '../../../domain/src/index.js';

/** The `jobs` read model: one document per queued job, kept after it finishes. */
export interface JobDoc {
  readonly id: string;
  readonly kind: JobKind;
  readonly status: JobStatus;
  /** The runs this job produces, in order; run i belongs to promptIds[i]. */
  readonly runIds: readonly string[];
  readonly promptIds: readonly string[];
  /** The full execution config, exactly as queued. */
  readonly config: Record<string, unknown>;
  /** 0..100, higher first. */
  readonly priority: number;
  /** GPUs its container gets; null for a job queued before GPU slots (it takes its node's every GPU). */
  readonly numGpus: number | null;
  readonly idempotencyKey: string | null;
  /** The failed or cancelled job this one retries. */
  readonly retryOf: string | null;
  /** The job that retries this one. */
  readonly retriedAs: string | null;
  /** The batch job that took over this job's runs; set only once the status is `merged`. */
  readonly mergedInto: string | null;
  /** For a batch made by smart batching: the jobs merged into it. Empty for every other job. */
  readonly mergedFrom: readonly string[];
  /** Each prompt as queued, which the runs generate from; null for jobs queued before it was kept whole (v3). */
  readonly prompts: Readonly<Record<string, QueuedPrompt>> | null;
  /** Kept across releases: a job given back keeps its place in the queue. */
  readonly queuedAt: string;
  readonly queuedBy: string;
  /** Claims so far, including the current one. */
  readonly attempts: number;
  /** The current (or, once finished, the last) attempt's node, container and claim; null while queued. */
  readonly node: string | null;
  readonly containerName: string | null;
  readonly claimedAt: string | null;
  /** The node's GPU indices the current (or last) attempt holds; null while queued and for claims before GPU slots. */
  readonly gpus: readonly number[] | null;
  /** Null until the worker reports the attempt's first stage. */
  readonly stage: JobStage | null;
  readonly percent: number;
  /** Kept once finished: a job may still succeed or fail after a cancel was asked for. */
  readonly cancelRequested: { readonly by: string; readonly reason: string; readonly at: string } | null;
  readonly finishedAt: string | null;
  /** Seconds from the last claim to the end (null if it never ran); for successes, the decider's own figure. */
  readonly durationSeconds: number | null;
  readonly failure: { readonly reason: JobFailureReason; readonly message: string; readonly exitCode: number | null } | null;
  readonly cancellation: { readonly by: string; readonly reason: string } | null;
  /** When the last event that changed the job happened. */
  readonly updatedAt: string;
  readonly [field: string]: unknown;
}
