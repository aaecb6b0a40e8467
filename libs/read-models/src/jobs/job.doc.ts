import type { JobFailureReason, JobKind, JobStage, QueuedPromptText } from '../../../domain/src/job/job.events.js';

/**
 * Where a job is: waiting, held by a node (claimed, then its stages), or finished. `merged`: smart
 * batching moved its runs into a batch job (`mergedInto`); it ends the job as the others do.
 */
export const JOB_STATUSES = ['queued', 'claimed', 'uploading', 'running', 'downloading', 'succeeded', 'failed', 'cancelled', 'merged'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A node holds the job: from the claim until it finishes or is released. */
export const ACTIVE_JOB_STATUSES = ['claimed', 'uploading', 'running', 'downloading'] as const satisfies readonly JobStatus[];
/** No longer live, as the integrity check sees it (apps/api/src/integrity/live-jobs.ts), though a merged job's runs wait for its batch. */
export const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'cancelled', 'merged'] as const satisfies readonly JobStatus[];

export type ActiveJobStatus = (typeof ACTIVE_JOB_STATUSES)[number];
export type FinishedJobStatus = (typeof FINISHED_JOB_STATUSES)[number];

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
  readonly idempotencyKey: string | null;
  /** The failed or cancelled job this one retries. */
  readonly retryOf: string | null;
  /** The job that retries this one. */
  readonly retriedAs: string | null;
  /** The batch job that took over this job's runs; set only once the status is `merged`. */
  readonly mergedInto: string | null;
  /** For a batch made by smart batching: the jobs merged into it. Empty for every other job. */
  readonly mergedFrom: readonly string[];
  /** Each prompt's text as queued, which the runs generate from; null for jobs queued before it was kept. */
  readonly promptTexts: Readonly<Record<string, QueuedPromptText>> | null;
  /** Kept across releases: a job given back keeps its place in the queue. */
  readonly queuedAt: string;
  readonly queuedBy: string;
  /** Claims so far, including the current one. */
  readonly attempts: number;
  /** The current (or, once finished, the last) attempt's node, container and claim; null while queued. */
  readonly node: string | null;
  readonly containerName: string | null;
  readonly claimedAt: string | null;
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
