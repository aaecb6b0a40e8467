import type { FailureReason, ModelType, OutputFile, RunKind, RunStatus } from '../../../domain/src/index.js';

/** The `runs` read model: one document per run that exists (deleted runs leave it). */
export interface RunDoc {
  readonly id: string;
  readonly promptId: string;
  readonly jobId: string;
  readonly kind: RunKind;
  readonly modelType: ModelType;
  readonly status: RunStatus;
  /** The full execution configuration, exactly as requested. */
  readonly config: Record<string, unknown>;
  readonly sourceRunId: string | null;
  readonly sourceVideo: string | null;
  readonly requestedAt: string;
  readonly requestedBy: string;
  /** When it first left `pending` (uploading or later). */
  readonly startedAt: string | null;
  readonly node: string | null;
  /** Executed on the simulated GPU node: its outputs are copies of the inputs, not generations. */
  readonly simulated: boolean;
  readonly statusChangedAt: string;
  /** When it completed, failed or was cancelled. */
  readonly finishedAt: string | null;
  /** finishedAt − startedAt, in seconds (null until both exist). */
  readonly durationSeconds: number | null;
  readonly outputs: readonly OutputFile[];
  /** True once every output's file has been deleted; `outputs` still lists them. */
  readonly outputsDeleted: boolean;
  /** Output paths whose files have been deleted. */
  readonly deletedOutputPaths: readonly string[];
  readonly enhancedText: string | null;
  readonly failure: { readonly reason: FailureReason; readonly message: string; readonly exitCode: number | null } | null;
  readonly cancellation: { readonly reason: string; readonly by: string } | null;
  readonly rating: number | null;
  /** Relative to the outputs root: where the run's streamed log lives. */
  readonly logPath: string;
  readonly [field: string]: unknown;
}
