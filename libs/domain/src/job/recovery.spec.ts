import { jobQueuedData } from '../../../testing/src/index.js';
import { fold } from '../shared/decider.js';
import { jobDecider, type JobState } from './job.decider.js';
import type { JobClaimed, JobEvent, JobQueued, JobStageChanged } from './job.events.js';
import { type ContainerObservation, type RecoveryAction, recoveryAction } from './recovery.js';

const at = '2026-11-28T10:00:00.000Z';
const queued: JobQueued = { type: 'JobQueued', data: jobQueuedData({ jobId: 'job_0123456789abcdef', prompts: {}, queuedAt: at }) };
const claimed = (attempt: number): JobClaimed => ({ type: 'JobClaimed', data: { node: 'gpu-1', attempt, containerName: `c_a${attempt}`, claimedAt: at } });
const stage = (to: JobStageChanged['data']['stage']): JobStageChanged => ({ type: 'JobStageChanged', data: { stage: to, percent: 0, at } });
const released: JobEvent = { type: 'JobReleased', data: { reason: 'crash', at } };
const cancelRequested: JobEvent = { type: 'JobCancelRequested', data: { by: 'ben', reason: 'stop', at } };

const MAX_ATTEMPTS = 2;
const states: Record<string, JobState> = {
  'not queued': fold(jobDecider, []),
  queued: fold(jobDecider, [queued]),
  'queued again after a release': fold(jobDecider, [queued, claimed(1), released]),
  'claimed, no stage yet': fold(jobDecider, [queued, claimed(1)]),
  uploading: fold(jobDecider, [queued, claimed(1), stage('uploading')]),
  'uploading, last attempt': fold(jobDecider, [queued, claimed(1), released, claimed(2), stage('uploading')]),
  running: fold(jobDecider, [queued, claimed(1), stage('running')]),
  downloading: fold(jobDecider, [queued, claimed(1), stage('downloading')]),
  'uploading, cancel requested': fold(jobDecider, [queued, claimed(1), stage('uploading'), cancelRequested]),
  'running, cancel requested': fold(jobDecider, [queued, claimed(1), stage('running'), cancelRequested]),
  succeeded: fold(jobDecider, [queued, claimed(1), { type: 'JobSucceeded', data: { at, durationSeconds: 1 } }]),
  failed: fold(jobDecider, [queued, claimed(1), { type: 'JobFailed', data: { reason: 'TIMEOUT', message: 'timed out', exitCode: null, at } }]),
  cancelled: fold(jobDecider, [queued, { type: 'JobCancelled', data: { by: 'ben', reason: 'stop', at } }]),
};

const observations: Record<string, ContainerObservation> = {
  running: { container: 'running' },
  'exited 0': { container: 'exited', exitCode: 0 },
  'exited 137': { container: 'exited', exitCode: 137 },
  missing: { container: 'missing' },
};

// Columns: running, exited 0, exited 137, missing.
const table: Record<keyof typeof states, [RecoveryAction, RecoveryAction, RecoveryAction, RecoveryAction]> = {
  'not queued': ['nothing', 'nothing', 'nothing', 'nothing'],
  queued: ['kill', 'nothing', 'nothing', 'nothing'],
  'queued again after a release': ['kill', 'nothing', 'nothing', 'nothing'],
  'claimed, no stage yet': ['reattach', 'finalize', 'finalize', 'release'],
  uploading: ['reattach', 'finalize', 'finalize', 'release'],
  'uploading, last attempt': ['reattach', 'finalize', 'finalize', 'fail_interrupted'],
  running: ['reattach', 'finalize', 'finalize', 'fail_interrupted'],
  downloading: ['reattach', 'finalize', 'finalize', 'finalize'],
  'uploading, cancel requested': ['cancel', 'cancel', 'cancel', 'cancel'],
  'running, cancel requested': ['cancel', 'cancel', 'cancel', 'cancel'],
  succeeded: ['kill', 'nothing', 'nothing', 'nothing'],
  failed: ['kill', 'nothing', 'nothing', 'nothing'],
  cancelled: ['kill', 'nothing', 'nothing', 'nothing'],
};

const cases = Object.entries(table).flatMap(([state, actions]) =>
  Object.keys(observations).map((observation, column) => [state, observation, actions[column]] as const),
);

describe('recoveryAction', () => {
  it('covers every state in the table', () => {
    expect(Object.keys(table)).toEqual(Object.keys(states));
  });

  it.each(cases)('%s job, container %s → %s', (state, observation, expected) => {
    expect(recoveryAction(states[state], observations[observation], MAX_ATTEMPTS)).toBe(expected);
  });

  it('releases the last upload only when more attempts are allowed', () => {
    expect(recoveryAction(states['uploading, last attempt'], { container: 'missing' }, 3)).toBe('release');
  });
});
