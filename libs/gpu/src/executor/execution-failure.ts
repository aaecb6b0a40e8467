import type { FailureReason } from '../../../domain/src/index.js';

/** Why a run's execution ended without outputs, in the terms RunFailed records. */
export class ExecutionFailure extends Error {
  constructor(
    readonly reason: FailureReason,
    message: string,
    /** The container's exit code when it ran to an end (or was killed), else null. */
    readonly exitCode: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ExecutionFailure';
  }
}
