import { DomainError } from '../shared/domain-error.js';
import type { ActiveRunStatus, FinishedRunStatus, RunProgressStatus, RunStatus } from './run.events.js';

/** A deleted run is reported as not found too: it no longer exists for any command. */
export class RunNotFound extends DomainError<{ runId: string; deletedAt: string | null }> {
  constructor(runId: string, deletedAt: string | null = null) {
    super('NOT_FOUND', deletedAt === null ? `Run ${runId} not found` : `Run ${runId} not found: it was deleted at ${deletedAt}`, {
      runId,
      deletedAt,
    });
  }
}

export class RunAlreadyExists extends DomainError<{ runId: string }> {
  constructor(runId: string, deleted: boolean) {
    super('RUN_ALREADY_EXISTS', deleted ? `Run ${runId} existed and was deleted; run ids are never reused` : `Run ${runId} already exists`, {
      runId,
    });
  }
}

/** The run has finished (completed, failed or cancelled) and can no longer progress or end again. */
export class RunNotActive extends DomainError<{ runId: string; status: FinishedRunStatus }> {
  constructor(runId: string, status: FinishedRunStatus) {
    super('RUN_NOT_ACTIVE', `Run ${runId} is already ${status}`, { runId, status });
  }
}

export class RunNotCompleted extends DomainError<{ runId: string; status: RunStatus }> {
  constructor(runId: string, status: RunStatus, action = 'rated') {
    super('RUN_NOT_COMPLETED', `Only completed runs can be ${action}; run ${runId} is ${status}`, { runId, status });
  }
}

export class RunActive extends DomainError<{ runId: string; status: ActiveRunStatus }> {
  constructor(runId: string, status: ActiveRunStatus) {
    super('RUN_ACTIVE', `Run ${runId} is still ${status}: cancel it or wait for it to finish`, { runId, status });
  }
}

export class RunInvalidTransition extends DomainError<{ runId: string; from: ActiveRunStatus; to: RunProgressStatus }> {
  constructor(runId: string, from: ActiveRunStatus, to: RunProgressStatus) {
    super('RUN_INVALID_TRANSITION', `Run ${runId} cannot go back from ${from} to ${to}`, { runId, from, to });
  }
}

/** The run is not (or no longer) a pending run of the job a batch wants to take it from. */
export class RunNotMovable extends DomainError<{ runId: string; status: string; jobId: string | null }> {
  constructor(runId: string, status: string, jobId: string | null, why: string) {
    super('RUN_NOT_MOVABLE', `Run ${runId} cannot move into a batch: ${why}`, { runId, status, jobId });
  }
}
