import type { ModelType } from '../prompt/prompt.events.js';
import type { DomainEvent } from '../shared/domain-event.js';

/** One stream per run: `run-rs_<32 hex>`. */
export function runStream(runId: string): string {
  return `run-${runId}`;
}

export const RUN_KINDS = ['inference', 'upscale', 'enhance'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** In lifecycle order; a run only ever moves forward through them. */
export const ACTIVE_RUN_STATUSES = ['pending', 'uploading', 'running', 'downloading'] as const;
export type ActiveRunStatus = (typeof ACTIVE_RUN_STATUSES)[number];
/** The statuses a worker reports while it executes a run. */
export type RunProgressStatus = Exclude<ActiveRunStatus, 'pending'>;
export const FINISHED_RUN_STATUSES = ['completed', 'failed', 'cancelled'] as const;
export type FinishedRunStatus = (typeof FINISHED_RUN_STATUSES)[number];
export type RunStatus = ActiveRunStatus | FinishedRunStatus;

export const FAILURE_REASONS = [
  'VALIDATION',
  'BAD_SPEC',
  'REMOTE_ERROR',
  'SSH_FAILURE',
  'CONTAINER_EXIT',
  'OOM_KILLED',
  'GUARDRAIL_BLOCKED',
  'TIMEOUT',
  'MISSING_OUTPUT',
  'INTERRUPTED',
  'KILLED',
  'ORPHANED',
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

export const OUTPUT_FILE_KINDS = ['video', 'control', 'text', 'json', 'log', 'other'] as const;
export type OutputFileKind = (typeof OUTPUT_FILE_KINDS)[number];

export interface OutputFile {
  name: string;
  /** Relative to the outputs root, posix separators. */
  path: string;
  sizeBytes: number;
  sha256: string;
  kind: OutputFileKind;
}

export type RunRequested = DomainEvent<
  'RunRequested',
  {
    runId: string;
    promptId: string;
    jobId: string;
    kind: RunKind;
    modelType: ModelType;
    /** The full execution config, so the run can be repeated without knowing today's defaults. */
    config: Record<string, unknown>;
    /** For upscales: the run whose output video is upscaled. */
    sourceRunId: string | null;
    /** For upscales of a video that no run produced: its path relative to the inputs root. */
    sourceVideo: string | null;
    requestedAt: string;
    requestedBy: string;
  }
>;

/**
 * Schema v2: `simulated` is always there. Version 1 wrote it only when true (and events from before
 * the simulated node not at all), so every reader had to know that absence meant false;
 * `runStatusChangedFromV1` lifts those at the read boundary.
 */
export type RunStatusChanged = DomainEvent<'RunStatusChanged', { status: RunProgressStatus; node: string; simulated: boolean; at: string }>;

export const RUN_STATUS_CHANGED_SCHEMA_VERSION = 2;

/** v1 → v2: an absent `simulated` meant a real node. */
export function runStatusChangedFromV1(data: Record<string, unknown>): Record<string, unknown> {
  return { ...data, simulated: data.simulated === true };
}

export type RunCompleted = DomainEvent<'RunCompleted', { outputs: OutputFile[]; completedAt: string; enhancedText: string | null }>;

export type RunFailed = DomainEvent<'RunFailed', { reason: FailureReason; message: string; exitCode: number | null; failedAt: string }>;

export type RunCancelled = DomainEvent<'RunCancelled', { reason: string; cancelledAt: string; cancelledBy: string }>;

/** A null rating clears it. */
export type RunRated = DomainEvent<'RunRated', { rating: number | null; ratedBy: string; ratedAt: string }>;

export type RunOutputsDeleted = DomainEvent<'RunOutputsDeleted', { paths: string[]; deletedAt: string }>;

/** Smart batching moved the pending run from job `fromJobId` into the batch job `batchJobId`. */
export type RunMovedToBatch = DomainEvent<'RunMovedToBatch', { batchJobId: string; fromJobId: string; by: string; at: string }>;

export type RunDeleted = DomainEvent<'RunDeleted', { deletedAt: string; deletedBy: string; deleteOutputs: boolean }>;

export type RunEvent =
  | RunRequested
  | RunStatusChanged
  | RunCompleted
  | RunFailed
  | RunCancelled
  | RunRated
  | RunOutputsDeleted
  | RunDeleted
  | RunMovedToBatch;

export const RUN_EVENT_TYPES: readonly RunEvent['type'][] = [
  'RunRequested',
  'RunStatusChanged',
  'RunCompleted',
  'RunFailed',
  'RunCancelled',
  'RunRated',
  'RunOutputsDeleted',
  'RunDeleted',
  'RunMovedToBatch',
];
