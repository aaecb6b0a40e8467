import { assertNever } from '../shared/assert-never.js';
import type { ClaimedJob, JobState } from './job.decider.js';

/** What a restarted worker finds on the node under the job's container name (or `cosmos.job` label). */
export interface ContainerObservation {
  readonly container: 'running' | 'exited' | 'missing';
  /** Known when exited; `finalize` turns it into success or a typed failure. */
  readonly exitCode?: number;
}

/**
 * - reattach: follow the live container's logs and wait for it, as if never interrupted;
 * - finalize: settle the job from what the node holds (exit code, outputs): SucceedJob or FailJob;
 * - release: ReleaseJob, so the job is claimed again as attempt + 1;
 * - fail_interrupted: FailJob INTERRUPTED;
 * - cancel: kill the container if it runs, then ConfirmCancel;
 * - kill: stop a container that no claim owns any more, and change nothing in the log;
 * - nothing.
 */
export type RecoveryAction = 'reattach' | 'finalize' | 'release' | 'fail_interrupted' | 'cancel' | 'kill' | 'nothing';

/**
 * Replaces the predecessor's "every running job failed at startup" (predecessor.md §5.5): the
 * container, found by its deterministic name, is the truth about an interrupted claim.
 */
export function recoveryAction(state: JobState, observation: ContainerObservation, maxAttempts: number): RecoveryAction {
  switch (state.status) {
    case 'NotQueued':
      // No claim in the log: whatever runs under that name was not started by us.
      return 'nothing';
    case 'Queued':
    case 'Finished':
      // A live container of a job nobody runs holds a GPU for nothing (e.g. a crash between
      // FailJob TIMEOUT and the kill); an exited one is only housekeeping.
      return observation.container === 'running' ? 'kill' : 'nothing';
    case 'Claimed':
      return claimedAction(state, observation, maxAttempts);
    default:
      return assertNever(state);
  }
}

function claimedAction(job: ClaimedJob, observation: ContainerObservation, maxAttempts: number): RecoveryAction {
  // The owner asked to stop; a result that arrived meanwhile is not what they want any more.
  if (job.cancelRequested !== null) return 'cancel';
  switch (observation.container) {
    case 'running':
      // Also before stage 'running': the worker may have crashed between `docker run -d` and reporting it.
      return 'reattach';
    case 'exited':
      return 'finalize';
    case 'missing':
      return missingContainerAction(job, maxAttempts);
    default:
      return assertNever(observation.container);
  }
}

function missingContainerAction(job: ClaimedJob, maxAttempts: number): RecoveryAction {
  switch (job.stage) {
    case null:
    case 'uploading':
      // Never started: running it again costs nothing that was spent.
      return job.attempt >= maxAttempts ? 'fail_interrupted' : 'release';
    case 'running':
      // Started and vanished without an exit code: nothing to trust, and running it again
      // automatically would spend GPU time twice. The user can retry it as a linked copy.
      return 'fail_interrupted';
    case 'downloading':
      // The container had already exited; its outputs on the node are what is left to fetch.
      return 'finalize';
    default:
      return assertNever(job.stage);
  }
}
