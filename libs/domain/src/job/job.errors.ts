import { DomainError } from '../shared/domain-error.js';

/** `merged`: smart batching moved the job's runs into a batch job. */
export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'merged';

/** How a job's status reads in messages and error details. */
export type JobStatusWord = 'queued' | 'claimed' | JobOutcome;

export class JobNotFound extends DomainError<{ jobId: string }> {
  constructor(jobId: string) {
    super('NOT_FOUND', `Job ${jobId} not found`, { jobId });
  }
}

/** Job ids are never reused, so a retried QueueJob with the same id meets this instead of queueing twice. */
export class JobAlreadyExists extends DomainError<{ jobId: string }> {
  constructor(jobId: string) {
    super('JOB_ALREADY_EXISTS', `Job ${jobId} already exists`, { jobId });
  }
}

export class JobNotQueued extends DomainError<{ jobId: string; status: JobStatusWord }> {
  constructor(jobId: string, status: JobStatusWord, seen: string, action: string) {
    super('JOB_NOT_QUEUED', `Job ${jobId} ${seen}: only queued jobs can ${action}`, { jobId, status });
  }
}

export class JobNotClaimed extends DomainError<{ jobId: string }> {
  constructor(jobId: string, action: string) {
    super('JOB_NOT_CLAIMED', `Job ${jobId} is still queued, not claimed by a worker: it cannot ${action}`, { jobId });
  }
}

/** Carries the recorded outcome, so a retrying worker can tell "already done" from "lost a race with a cancel". */
export class JobNotActive extends DomainError<{ jobId: string; outcome: JobOutcome }> {
  constructor(jobId: string, outcome: JobOutcome, action: string) {
    super('JOB_NOT_ACTIVE', `Job ${jobId} already ${outcome}: it cannot ${action}`, { jobId, outcome });
  }
}

/** A worker broke the execution protocol: progress backwards, a wrong attempt number, a late release. */
export class JobInvalidTransition extends DomainError<{ jobId: string }> {
  constructor(jobId: string, problem: string) {
    super('JOB_INVALID_TRANSITION', `Job ${jobId} ${problem}`, { jobId });
  }
}

export class JobNotRetryable extends DomainError<{ jobId: string; status: JobStatusWord }> {
  constructor(jobId: string, status: JobStatusWord, seen: string) {
    super('JOB_NOT_RETRYABLE', `Job ${jobId} ${seen}: only failed or cancelled jobs can be retried`, { jobId, status });
  }
}

/** A job is retried once; retry the copy if it fails too, so the lineage stays a chain. */
export class JobAlreadyRetried extends DomainError<{ jobId: string; retriedAs: string }> {
  constructor(jobId: string, retriedAs: string) {
    super('JOB_ALREADY_RETRIED', `Job ${jobId} was already retried as ${retriedAs}: retry that job instead`, { jobId, retriedAs });
  }
}
