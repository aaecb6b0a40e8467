import { assertNever } from '../shared/assert-never.js';
import type { Decider } from '../shared/decider.js';
import { InvalidInput } from '../shared/domain-error.js';
import type { ChangeJobStage, ClaimJob, JobCommand, MergeIntoBatch, ReleaseJob, RequestCancel, RetryJob } from './job.commands.js';
import {
  JobAlreadyExists,
  JobAlreadyRetried,
  JobInvalidTransition,
  JobNotActive,
  JobNotClaimed,
  JobNotFound,
  JobNotQueued,
  JobNotRetryable,
  type JobOutcome,
  type JobStatusWord,
} from './job.errors.js';
import { type JobEvent, type JobKind, JOB_STAGES, type JobStage } from './job.events.js';
import { claimedGpusProblem, jobIdProblem, percentProblem, priorityProblem, queueProblems } from './job.validation.js';

export interface QueuedJob {
  readonly status: 'Queued';
  readonly kind: JobKind;
  readonly priority: number;
  /** Claims so far; the next claim is attempt `attempts + 1`. */
  readonly attempts: number;
  /** Kept across releases, so a job given back after a crash keeps its place in the queue. */
  readonly queuedAt: string;
}

export interface ClaimedJob {
  readonly status: 'Claimed';
  readonly kind: JobKind;
  readonly priority: number;
  readonly queuedAt: string;
  readonly node: string;
  readonly attempt: number;
  readonly containerName: string;
  readonly claimedAt: string;
  /** The node's GPUs this attempt holds; absent on a claim from before GPU slots (the node's whole setting). */
  readonly gpus?: readonly number[];
  /** Null until the worker reports its first stage. */
  readonly stage: JobStage | null;
  readonly percent: number;
  readonly cancelRequested: { readonly by: string; readonly reason: string } | null;
}

export interface FinishedJob {
  readonly status: 'Finished';
  readonly outcome: JobOutcome;
  readonly attempts: number;
  readonly finishedAt: string;
  readonly retriedAs: string | null;
  /** The batch job that took over the runs, when the outcome is `merged`. */
  readonly mergedInto: string | null;
}

export type JobState = { readonly status: 'NotQueued' } | QueuedJob | ClaimedJob | FinishedJob;

/**
 * The attempt is part of the name, so a retried launch never collides with a container that
 * lingers from the attempt before (a `docker run --name` of an existing name fails), and a kill
 * or reattach can only ever hit the attempt the log says is current.
 */
export function jobContainerName(kind: JobKind, jobId: string, attempt: number): string {
  return `cosmos_${kind}_${jobId}_a${attempt}`;
}

/**
 * Terminal commands on a finished job are refused (JOB_NOT_ACTIVE) even when they repeat the
 * recorded outcome, as for runs; the error carries the outcome. A job may still succeed or fail
 * after a cancel was requested: the container finished before the kill, and its result is real.
 */
export const jobDecider: Decider<JobCommand, JobEvent, JobState> = {
  name: 'job',
  initialState: { status: 'NotQueued' },

  decide(command, state) {
    switch (command.type) {
      case 'QueueJob': {
        if (state.status !== 'NotQueued') throw new JobAlreadyExists(command.jobId);
        const problems = queueProblems(command);
        if (problems.length > 0) throw new InvalidInput(problems);
        const { jobId, kind, priority, idempotencyKey, retryOf, merged } = command;
        const numGpus = command.numGpus ?? 1;
        const data = { runIds: [...command.runIds], promptIds: [...command.promptIds], config: { ...command.config }, prompts: { ...command.prompts }, upscale: command.upscale };
        const batch = merged === undefined ? {} : { mergedFrom: [...merged.from] };
        const queuedAt = merged?.queuedAt ?? command.now;
        return [{ type: 'JobQueued', data: { jobId, kind, ...data, priority, numGpus, idempotencyKey, retryOf, ...batch, queuedAt, queuedBy: command.actor } }];
      }
      case 'ChangeJobPriority': {
        const job = requireQueued(command.jobId, state, 'be reprioritized');
        const problem = priorityProblem(command.priority);
        if (problem !== null) throw new InvalidInput([{ field: 'input.priority', problem }]);
        if (command.priority === job.priority) return [];
        return [{ type: 'JobPriorityChanged', data: { priority: command.priority, changedBy: command.actor, at: command.now } }];
      }
      case 'ClaimJob':
        return claim(command, requireQueued(command.jobId, state, 'be claimed'));
      case 'ChangeJobStage':
        return changeStage(command, requireClaimed(command.jobId, state, 'report progress'));
      case 'SucceedJob': {
        const job = requireClaimed(command.jobId, state, 'succeed');
        // Clocks of different processes may disagree by a little; a duration is never negative.
        const durationSeconds = Math.max(0, Date.parse(command.now) - Date.parse(job.claimedAt)) / 1000;
        return [{ type: 'JobSucceeded', data: { at: command.now, durationSeconds } }];
      }
      case 'FailJob': {
        requireClaimed(command.jobId, state, 'fail');
        const { reason, message, exitCode } = command;
        return [{ type: 'JobFailed', data: { reason, message, exitCode, at: command.now } }];
      }
      case 'RequestCancel':
        return requestCancel(command, requireExisting(command.jobId, state));
      case 'ConfirmCancel': {
        const job = requireClaimed(command.jobId, state, 'be cancelled');
        if (job.cancelRequested === null) throw new JobInvalidTransition(command.jobId, 'has no cancel request to confirm');
        return [{ type: 'JobCancelled', data: { ...job.cancelRequested, at: command.now } }];
      }
      case 'ReleaseJob':
        return release(command, requireClaimed(command.jobId, state, 'be released'));
      case 'RetryJob':
        return retry(command, requireExisting(command.jobId, state));
      case 'MergeIntoBatch':
        return mergeIntoBatch(command, state);
      default:
        return assertNever(command);
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'JobQueued':
        return { status: 'Queued', kind: event.data.kind, priority: event.data.priority, attempts: 0, queuedAt: event.data.queuedAt };
      case 'JobPriorityChanged':
        return state.status === 'Queued' ? { ...state, priority: event.data.priority } : state;
      case 'JobClaimed': {
        if (state.status !== 'Queued') return state;
        const { kind, priority, queuedAt } = state;
        return { status: 'Claimed', kind, priority, queuedAt, ...event.data, stage: null, percent: 0, cancelRequested: null };
      }
      case 'JobStageChanged':
        return state.status === 'Claimed' ? { ...state, stage: event.data.stage, percent: event.data.percent } : state;
      case 'JobCancelRequested':
        return state.status === 'Claimed' ? { ...state, cancelRequested: { by: event.data.by, reason: event.data.reason } } : state;
      case 'JobReleased':
        if (state.status !== 'Claimed') return state;
        return { status: 'Queued', kind: state.kind, priority: state.priority, attempts: state.attempt, queuedAt: state.queuedAt };
      case 'JobSucceeded':
        return finished(state, 'succeeded', event.data.at);
      case 'JobFailed':
        return finished(state, 'failed', event.data.at);
      case 'JobCancelled':
        return finished(state, 'cancelled', event.data.at);
      case 'JobRetried':
        return state.status === 'Finished' ? { ...state, retriedAs: event.data.newJobId } : state;
      case 'JobMergedIntoBatch':
        return state.status === 'Queued' ? { ...finished(state, 'merged', event.data.at), mergedInto: event.data.batchJobId } : state;
      default:
        return assertNever(event);
    }
  },
};

function finished(state: JobState, outcome: JobOutcome, finishedAt: string): JobState {
  switch (state.status) {
    case 'Queued':
      return { status: 'Finished', outcome, attempts: state.attempts, finishedAt, retriedAs: null, mergedInto: null };
    case 'Claimed':
      return { status: 'Finished', outcome, attempts: state.attempt, finishedAt, retriedAs: null, mergedInto: null };
    case 'NotQueued':
    case 'Finished':
      return state;
    default:
      return assertNever(state);
  }
}

function statusWord(job: QueuedJob | ClaimedJob | FinishedJob): JobStatusWord {
  return job.status === 'Finished' ? job.outcome : job.status === 'Queued' ? 'queued' : 'claimed';
}

/** How a job reads in a refusal: where it runs, or how it ended. */
function seen(job: ClaimedJob | FinishedJob): string {
  return job.status === 'Claimed' ? `is running on ${job.node} (attempt ${job.attempt})` : `already ${job.outcome}`;
}

function requireExisting(jobId: string, state: JobState): QueuedJob | ClaimedJob | FinishedJob {
  if (state.status === 'NotQueued') throw new JobNotFound(jobId);
  return state;
}

function requireQueued(jobId: string, state: JobState, action: string): QueuedJob {
  const job = requireExisting(jobId, state);
  if (job.status !== 'Queued') throw new JobNotQueued(jobId, statusWord(job), seen(job), action);
  return job;
}

function requireClaimed(jobId: string, state: JobState, action: string): ClaimedJob {
  const job = requireExisting(jobId, state);
  switch (job.status) {
    case 'Queued':
      throw new JobNotClaimed(jobId, action);
    case 'Finished':
      throw new JobNotActive(jobId, job.outcome, action);
    case 'Claimed':
      return job;
    default:
      return assertNever(job);
  }
}

function claim(command: ClaimJob, job: QueuedJob): JobEvent[] {
  if (command.node.trim() === '') throw new InvalidInput([{ field: 'node', problem: 'name the node that claims the job' }]);
  const next = job.attempts + 1;
  if (command.attempt !== next) throw new JobInvalidTransition(command.jobId, `is due for attempt ${next}, not ${command.attempt}`);
  const containerName = jobContainerName(job.kind, command.jobId, next);
  if (command.gpus === undefined) return [{ type: 'JobClaimed', data: { node: command.node, attempt: next, containerName, claimedAt: command.now } }];
  const problem = claimedGpusProblem(command.gpus);
  if (problem !== null) throw new InvalidInput([{ field: 'gpus', problem }]);
  return [{ type: 'JobClaimed', data: { node: command.node, attempt: next, containerName, claimedAt: command.now, gpus: [...command.gpus] } }];
}

/** Stages may be skipped (a job with nothing to upload), never undone; percent only grows within a stage. */
function changeStage(command: ChangeJobStage, job: ClaimedJob): JobEvent[] {
  const problem = percentProblem(command.percent);
  if (problem !== null) throw new InvalidInput([{ field: 'percent', problem }]);
  const from = job.stage === null ? -1 : JOB_STAGES.indexOf(job.stage);
  const to = JOB_STAGES.indexOf(command.stage);
  if (to < from) throw new JobInvalidTransition(command.jobId, `cannot go back from ${job.stage} to ${command.stage}`);
  if (to === from) {
    if (command.percent === job.percent) return [];
    if (command.percent < job.percent) {
      throw new JobInvalidTransition(command.jobId, `cannot go back from ${job.percent}% to ${command.percent}% while ${command.stage}`);
    }
  }
  return [{ type: 'JobStageChanged', data: { stage: command.stage, percent: command.percent, at: command.now } }];
}

function requestCancel(command: RequestCancel, job: QueuedJob | ClaimedJob | FinishedJob): JobEvent[] {
  const by = command.actor;
  const { reason } = command;
  switch (job.status) {
    case 'Queued':
      // Nothing runs yet, so nothing waits for a kill.
      return [{ type: 'JobCancelled', data: { by, reason, at: command.now } }];
    case 'Claimed':
      if (command.queuedOnly === true) throw new JobNotQueued(command.jobId, 'claimed', seen(job), 'be cleared from the queue');
      if (job.cancelRequested !== null) return [];
      return [{ type: 'JobCancelRequested', data: { by, reason, at: command.now } }];
    case 'Finished':
      throw new JobNotActive(command.jobId, job.outcome, 'be cancelled');
    default:
      return assertNever(job);
  }
}

/**
 * Only before the container started: after that, the attempt has spent GPU time and may have
 * written outputs, so it is reattached, finalized or failed, never silently run again.
 */
function release(command: ReleaseJob, job: ClaimedJob): JobEvent[] {
  const { maxAttempts } = command;
  if (!(Number.isInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new InvalidInput([{ field: 'maxAttempts', problem: `must be a whole number ≥ 1 (got ${JSON.stringify(maxAttempts)})` }]);
  }
  if (job.stage === 'running' || job.stage === 'downloading') {
    throw new JobInvalidTransition(command.jobId, `cannot be released: its container started (${job.stage}); reattach or finalize it`);
  }
  // Queueing it again would run work its owner asked to stop.
  if (job.cancelRequested !== null) return [{ type: 'JobCancelled', data: { ...job.cancelRequested, at: command.now } }];
  if (job.attempt >= maxAttempts) {
    const message = `${command.reason} (attempt ${job.attempt} of ${maxAttempts}; no attempts left)`;
    return [{ type: 'JobFailed', data: { reason: 'INTERRUPTED', message, exitCode: null, at: command.now } }];
  }
  return [{ type: 'JobReleased', data: { reason: command.reason, at: command.now } }];
}

function retry(command: RetryJob, job: QueuedJob | ClaimedJob | FinishedJob): JobEvent[] {
  const problem = command.newJobId === command.jobId ? 'a job cannot retry itself' : jobIdProblem(command.newJobId);
  if (problem !== null) throw new InvalidInput([{ field: 'input.newJobId', problem }]);
  switch (job.status) {
    case 'Queued':
      throw new JobNotRetryable(command.jobId, 'queued', 'is still queued');
    case 'Claimed':
      throw new JobNotRetryable(command.jobId, 'claimed', seen(job));
    case 'Finished':
      if (job.outcome === 'succeeded') throw new JobNotRetryable(command.jobId, 'succeeded', 'already succeeded');
      if (job.outcome === 'merged') throw new JobNotRetryable(command.jobId, 'merged', `was merged into ${job.mergedInto}, whose runs carry on`);
      if (job.retriedAs === command.newJobId) return [];
      if (job.retriedAs !== null) throw new JobAlreadyRetried(command.jobId, job.retriedAs);
      return [{ type: 'JobRetried', data: { newJobId: command.newJobId, by: command.actor, at: command.now } }];
    default:
      return assertNever(job);
  }
}

/**
 * A repeat for the same batch is a no-op, so an interrupted apply of a batch plan can run again.
 * A job being cancelled is left alone: merging would run work its owner asked to stop.
 */
function mergeIntoBatch(command: MergeIntoBatch, state: JobState): JobEvent[] {
  const problem = command.batchJobId === command.jobId ? 'a job cannot merge into itself' : jobIdProblem(command.batchJobId);
  if (problem !== null) throw new InvalidInput([{ field: 'input.batchJobId', problem }]);
  if (state.status === 'Finished' && state.mergedInto === command.batchJobId) return [];
  requireQueued(command.jobId, state, 'be merged into a batch');
  return [{ type: 'JobMergedIntoBatch', data: { batchJobId: command.batchJobId, by: command.actor, at: command.now } }];
}
