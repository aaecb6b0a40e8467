import type { ModelType } from '../prompt/prompt.events.js';
import type { FailureReason, OutputFile, RunKind, RunProgressStatus } from './run.events.js';

export interface RequestRun {
  readonly type: 'RequestRun';
  readonly runId: string;
  readonly promptId: string;
  readonly jobId: string;
  readonly kind: RunKind;
  readonly modelType: ModelType;
  readonly config: Readonly<Record<string, unknown>>;
  readonly sourceRunId: string | null;
  readonly sourceVideo: string | null;
  readonly now: string;
  readonly actor: string;
}

/** A worker reports progress; repeating the current status is a no-op. */
export interface ChangeRunStatus {
  readonly type: 'ChangeRunStatus';
  readonly runId: string;
  readonly status: RunProgressStatus;
  readonly node: string;
  /** The node is the in-process simulated one: the outputs will be copies of the inputs. */
  readonly simulated?: boolean;
  readonly now: string;
}

export interface CompleteRun {
  readonly type: 'CompleteRun';
  readonly runId: string;
  readonly outputs: readonly OutputFile[];
  /** The upsampled prompt of an enhance run; null for every other kind. */
  readonly enhancedText: string | null;
  readonly now: string;
}

export interface FailRun {
  readonly type: 'FailRun';
  readonly runId: string;
  readonly reason: FailureReason;
  readonly message: string;
  readonly exitCode: number | null;
  readonly now: string;
}

export interface CancelRun {
  readonly type: 'CancelRun';
  readonly runId: string;
  readonly reason: string;
  readonly now: string;
  readonly actor: string;
}

/** Rating is an integer 1..5, or null to clear it. */
export interface RateRun {
  readonly type: 'RateRun';
  readonly runId: string;
  readonly rating: number | null;
  readonly now: string;
  readonly actor: string;
}

export interface DeleteRun {
  readonly type: 'DeleteRun';
  readonly runId: string;
  readonly deleteOutputs: boolean;
  readonly now: string;
  readonly actor: string;
}

/** Removes output files from the run; paths as reported by RunCompleted. */
export interface DeleteRunOutputs {
  readonly type: 'DeleteRunOutputs';
  readonly runId: string;
  readonly paths: readonly string[];
  readonly now: string;
}

/** Only while pending and still under `fromJobId`; a repeat for the same batch is a no-op. */
export interface MoveRunToBatch {
  readonly type: 'MoveRunToBatch';
  readonly runId: string;
  readonly fromJobId: string;
  readonly batchJobId: string;
  readonly now: string;
  readonly actor: string;
}

export type RunCommand = RequestRun | ChangeRunStatus | CompleteRun | FailRun | CancelRun | RateRun | DeleteRun | DeleteRunOutputs | MoveRunToBatch;
