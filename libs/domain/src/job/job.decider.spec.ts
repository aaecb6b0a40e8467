import { deciderSpec } from '../../../testing/src/index.js';
import { fold } from '../shared/decider.js';
import { type DomainError, type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import type { JobCommand, QueueJob } from './job.commands.js';
import { jobContainerName, jobDecider } from './job.decider.js';
import {
  JobAlreadyExists,
  JobAlreadyRetried,
  JobInvalidTransition,
  JobNotActive,
  JobNotClaimed,
  JobNotFound,
  JobNotQueued,
  JobNotRetryable,
} from './job.errors.js';
import {
  JOB_EVENT_TYPES,
  type JobCancelled,
  type JobCancelRequested,
  type JobClaimed,
  type JobEvent,
  type JobFailed,
  type JobMergedIntoBatch,
  type JobQueued,
  type QueuedPrompt,
  type JobReleased,
  type JobRetried,
  type JobStage,
  type JobStageChanged,
  type JobSucceeded,
  jobQueuedFromV1,
  jobQueuedFromV2,
  jobStream,
} from './job.events.js';

const spec = deciderSpec(jobDecider);
const jobId = 'job_0123456789abcdef';
const copyId = 'job_fedcba9876543210';
const batchId = 'job_baba0000baba0000';
const [t0, t1, t2, t3] = ['10:00:00', '10:01:00', '10:02:00', '10:12:30'].map((hms) => `2026-11-28T${hms}.000Z`);
const config = { weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 }, numSteps: 35, guidance: 5, seed: 1 };

const harbourVideo = { path: 'harbour/color.mp4', frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 5.04, codec: 'h264', sizeBytes: 1_000_000 };
const harbour: QueuedPrompt = {
  text: 'a harbour',
  negativePrompt: 'blurry',
  name: 'harbour',
  modelType: 'transfer',
  inputs: { videoDir: 'harbour', color: harbourVideo, depth: null, segmentation: null },
};
const prompts = { ps_1: harbour, ps_2: { ...harbour, text: 'a city', name: 'city' } };
const queue = (overrides: Partial<QueueJob> = {}): QueueJob => ({
  type: 'QueueJob',
  jobId,
  kind: 'inference',
  runIds: ['rs_1'],
  promptIds: ['ps_1'],
  config,
  prompts,
  upscale: null,
  priority: 50,
  idempotencyKey: null,
  retryOf: null,
  now: t0,
  actor: 'ana',
  ...overrides,
});
const queued: JobQueued = {
  type: 'JobQueued',
  data: {
    jobId,
    kind: 'inference',
    runIds: ['rs_1'],
    promptIds: ['ps_1'],
    config,
    prompts,
    upscale: null,
    priority: 50,
    idempotencyKey: null,
    retryOf: null,
    queuedAt: t0,
    queuedBy: 'ana',
  },
};
const queuedAs = (data: Partial<JobQueued['data']>): JobQueued => ({ type: 'JobQueued', data: { ...queued.data, ...data } });
const claimed = (attempt = 1, at = t1): JobClaimed => ({
  type: 'JobClaimed',
  data: { node: 'gpu-1', attempt, containerName: `cosmos_inference_${jobId}_a${attempt}`, claimedAt: at },
});
const stage = (to: JobStage, percent = 0): JobStageChanged => ({ type: 'JobStageChanged', data: { stage: to, percent, at: t2 } });
const succeeded: JobSucceeded = { type: 'JobSucceeded', data: { at: t3, durationSeconds: 690 } };
const failed: JobFailed = { type: 'JobFailed', data: { reason: 'CONTAINER_EXIT', message: 'exit code 1', exitCode: 1, at: t3 } };
const cancelRequested: JobCancelRequested = { type: 'JobCancelRequested', data: { by: 'ben', reason: 'wrong weights', at: t2 } };
const cancelled = (at = t2): JobCancelled => ({ type: 'JobCancelled', data: { by: 'ben', reason: 'wrong weights', at } });
const released: JobReleased = { type: 'JobReleased', data: { reason: 'worker restarted during upload', at: t2 } };
const retried: JobRetried = { type: 'JobRetried', data: { newJobId: copyId, by: 'ana', at: t3 } };

const cmd = {
  priority: (priority: number): JobCommand => ({ type: 'ChangeJobPriority', jobId, priority, now: t1, actor: 'ana' }),
  claim: (attempt = 1, node = 'gpu-1', now = t1): JobCommand => ({ type: 'ClaimJob', jobId, node, attempt, now }),
  stage: (to: JobStage, percent = 0): JobCommand => ({ type: 'ChangeJobStage', jobId, stage: to, percent, now: t2 }),
  succeed: (now = t3): JobCommand => ({ type: 'SucceedJob', jobId, now }),
  fail: (): JobCommand => ({ type: 'FailJob', jobId, reason: 'CONTAINER_EXIT', message: 'exit code 1', exitCode: 1, now: t3 }),
  cancel: (now = t2): JobCommand => ({ type: 'RequestCancel', jobId, reason: 'wrong weights', now, actor: 'ben' }),
  confirmCancel: (now = t3): JobCommand => ({ type: 'ConfirmCancel', jobId, now }),
  release: (maxAttempts = 3): JobCommand => ({ type: 'ReleaseJob', jobId, reason: 'worker restarted during upload', maxAttempts, now: t2 }),
  retry: (newJobId = copyId): JobCommand => ({ type: 'RetryJob', jobId, newJobId, now: t3, actor: 'ana' }),
  merge: (batchJobId = batchId): JobCommand => ({ type: 'MergeIntoBatch', jobId, batchJobId, now: t1, actor: 'ana' }),
};

function fieldsOf(given: readonly JobEvent[], command: JobCommand): FieldProblem[] {
  let error: DomainError | undefined;
  try {
    jobDecider.decide(command, fold(jobDecider, given));
  } catch (caught) {
    error = caught as DomainError;
  }
  expect(error).toBeInstanceOf(InvalidInput);
  return (error as InvalidInput).details.fields;
}

const running = [queued, claimed(), stage('uploading', 100), stage('running', 40)];
const done = [...running, stage('downloading', 100), succeeded];

describe('job decider', () => {
  it('names its stream and lists every event type', () => {
    expect(jobStream(jobId)).toBe('job-job_0123456789abcdef');
    expect(JOB_EVENT_TYPES).toHaveLength(11);
  });

  describe('QueueJob', () => {
    it('queues a job with its runs, full config, priority and idempotency key', () => {
      spec.given([]).when(queue({ idempotencyKey: 'cli:ana:42' })).then([queuedAs({ idempotencyKey: 'cli:ana:42', numGpus: 1 })]);
    });

    it('queues a batch with one config per run, and a retry linked to its original', () => {
      const batch = { kind: 'batch_inference', runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_1'], config: { runs: [config, config] } } as const;
      spec.given([]).when(queue(batch)).then([queuedAs({ ...batch, runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_1'], numGpus: 1 })]);
      spec.given([]).when(queue({ retryOf: copyId })).then([queuedAs({ retryOf: copyId, numGpus: 1 })]);
    });

    it('records the GPUs a job asks for: 1, 2, 4 or 8, and one for the prompt upsampler', () => {
      spec.given([]).when(queue({ numGpus: 4 })).then([queuedAs({ numGpus: 4 })]);
      spec.given([]).when(queue({ numGpus: 3 })).thenThrows(InvalidInput, 'input.numGpus: must be one of 1, 2, 4, 8 (got 3)');
      const enhance = { kind: 'enhance', config: { model: 'pixtral', mode: 'CREATE_NEW' } } as const;
      spec.given([]).when(queue({ ...enhance, numGpus: 2 })).thenThrows(InvalidInput, 'input.numGpus: must be 1: the prompt upsampler runs on one GPU');
    });

    it('refuses a job id that exists', () => {
      spec.given([queued]).when(queue()).thenThrows(JobAlreadyExists, `Job ${jobId} already exists`);
      spec.given(done).when(queue()).thenThrows(JobAlreadyExists);
    });

    it('names every problem of a malformed job', () => {
      const bad = queue({ jobId: 'job 1', kind: 'paint' as never, runIds: [], promptIds: ['ps_1'], priority: 101, idempotencyKey: 'a/b', retryOf: 'nope' });
      expect(fieldsOf([], bad)).toEqual([
        { field: 'input.jobId', problem: 'must be \'job_\' and 12 to 32 lower-case hex digits (got "job 1")' },
        { field: 'input.kind', problem: 'must be one of inference, batch_inference, upscale, enhance (got "paint")' },
        { field: 'input.runIds', problem: 'a job produces at least one run' },
        { field: 'input.promptIds', problem: 'needs one prompt per run: 0 run(s), 1 prompt(s)' },
        { field: 'input.priority', problem: 'must be a whole number from 0 to 100, higher runs first (got 101)' },
        { field: 'input.idempotencyKey', problem: 'must be 1 to 128 letters, digits, \'.\', \'_\', \':\' or \'-\' (got "a/b")' },
        { field: 'input.retryOf', problem: 'must be \'job_\' and 12 to 32 lower-case hex digits (got "nope")' },
      ]);
    });

    it('refuses several runs outside a batch, repeated runs, and a batch without per-run configs', () => {
      spec.given([]).when(queue({ runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_2'] })).thenThrows(InvalidInput, /an inference job produces exactly one run \(got 2\)/);
      const batch = { kind: 'batch_inference', runIds: ['rs_1', 'rs_1'], promptIds: ['ps_1', 'ps_2'] } as const;
      expect(fieldsOf([], queue(batch))).toEqual([
        { field: 'input.runIds', problem: 'lists rs_1 more than once' },
        { field: 'input.config', problem: 'a batch_inference job holds one config per run under "runs"' },
      ]);
      spec.given([]).when(queue({ ...batch, runIds: ['rs_1', 'rs_2'], config: { runs: [config] } })).thenThrows(InvalidInput, /"runs" holds 1 config\(s\) for 2 run\(s\)/);
    });

    it('refuses a job that retries itself, and a boolean priority arriving through JSON', () => {
      spec.given([]).when(queue({ retryOf: jobId })).thenThrows(InvalidInput, 'input.retryOf: a job cannot retry itself');
      spec.given([]).when(queue({ prompts: {} })).thenThrows(InvalidInput, 'input.prompts: holds no queued text for ps_1');
      spec.given([]).when(queue({ kind: 'upscale' })).thenThrows(InvalidInput, 'input.upscale: an upscale job needs its resolved source');
      const source = { sourceRunId: 'rs_0', sourceVideo: null, video: { root: 'outputs' as const, path: 'rs_0/output.mp4' } };
      spec.given([]).when(queue({ upscale: source })).thenThrows(InvalidInput, 'input.upscale: an inference job has no upscale source');
      spec.given([]).when(queue({ priority: true as unknown as number })).thenThrows(InvalidInput, /got true/);
    });
  });

  describe('ChangeJobPriority', () => {
    it('changes the priority of a queued job, also after a release', () => {
      const changed = { type: 'JobPriorityChanged', data: { priority: 90, changedBy: 'ana', at: t1 } } as const;
      spec.given([queued]).when(cmd.priority(90)).then([changed]);
      spec.given([queued, claimed(), released]).when(cmd.priority(90)).then([changed]);
    });

    it('treats the same priority again as a no-op', () => {
      spec.given([queued]).when(cmd.priority(50)).then([]);
    });

    it('refuses a priority out of range', () => {
      spec.given([queued]).when(cmd.priority(-1)).thenThrows(InvalidInput, /input\.priority: must be a whole number from 0 to 100/);
      spec.given([queued]).when(cmd.priority(2.5)).thenThrows(InvalidInput);
    });

    it('refuses once the job is claimed or finished, and a missing job', () => {
      spec.given(running).when(cmd.priority(90)).thenThrows(JobNotQueued, `Job ${jobId} is running on gpu-1 (attempt 1): only queued jobs can be reprioritized`);
      spec.given(done).when(cmd.priority(90)).thenThrows(JobNotQueued, `Job ${jobId} already succeeded: only queued jobs can be reprioritized`);
      spec.given([]).when(cmd.priority(90)).thenThrows(JobNotFound, `Job ${jobId} not found`);
    });
  });

  describe('ClaimJob', () => {
    it('claims the first attempt under a deterministic container name', () => {
      spec.given([queued]).when(cmd.claim()).then([claimed()]);
      expect(jobContainerName('batch_inference', jobId, 2)).toBe(`cosmos_batch_inference_${jobId}_a2`);
    });

    it('claims a released job as the next attempt, under a new name', () => {
      spec.given([queued, claimed(), released]).when(cmd.claim(2, 'gpu-1', t3)).then([claimed(2, t3)]);
    });

    it('refuses any other attempt number', () => {
      spec.given([queued]).when(cmd.claim(2)).thenThrows(JobInvalidTransition, `Job ${jobId} is due for attempt 1, not 2`);
      spec.given([queued, claimed(), released]).when(cmd.claim(1)).thenThrows(JobInvalidTransition, /due for attempt 2, not 1/);
    });

    it('refuses a blank node', () => {
      spec.given([queued]).when(cmd.claim(1, ' ')).thenThrows(InvalidInput, 'node: name the node that claims the job');
    });

    it('records the GPUs the attempt holds, and they are part of its state', () => {
      const onGpus: JobClaimed = { type: 'JobClaimed', data: { ...claimed().data, gpus: [2, 3] } };
      spec.given([queued]).when({ ...cmd.claim(), gpus: [2, 3] } as JobCommand).then([onGpus]);
      expect(fold(jobDecider, [queued, onGpus])).toMatchObject({ status: 'Claimed', gpus: [2, 3] });
      for (const gpus of [[], [1, 1], [-1]]) spec.given([queued]).when({ ...cmd.claim(), gpus } as JobCommand).thenThrows(InvalidInput, /gpus: must be distinct GPU indices/);
    });

    it('refuses a job claimed already, a finished one and a missing one', () => {
      spec.given([queued, claimed()]).when(cmd.claim(2, 'gpu-2')).thenThrows(JobNotQueued, /running on gpu-1 \(attempt 1\): only queued jobs can be claimed/);
      spec.given([queued, cancelled()]).when(cmd.claim()).thenThrows(JobNotQueued, /already cancelled/);
      spec.given([]).when(cmd.claim()).thenThrows(JobNotFound);
    });
  });

  describe('ChangeJobStage', () => {
    it('moves forward through the stages, and may skip one', () => {
      spec.given([queued, claimed()]).when(cmd.stage('uploading', 10)).then([stage('uploading', 10)]);
      spec.given([queued, claimed()]).when(cmd.stage('running')).then([stage('running')]);
      spec.given(running).when(cmd.stage('downloading', 0)).then([stage('downloading', 0)]);
    });

    it('raises the percent within a stage and treats the same report again as a no-op', () => {
      spec.given(running).when(cmd.stage('running', 41)).then([stage('running', 41)]);
      spec.given(running).when(cmd.stage('running', 40)).then([]);
    });

    it('refuses to go back a stage, or back in percent within one', () => {
      spec.given(running).when(cmd.stage('uploading', 100)).thenThrows(JobInvalidTransition, `Job ${jobId} cannot go back from running to uploading`);
      spec.given(running).when(cmd.stage('running', 39)).thenThrows(JobInvalidTransition, /cannot go back from 40% to 39% while running/);
    });

    it('refuses a percent outside 0..100', () => {
      spec.given(running).when(cmd.stage('running', 101)).thenThrows(InvalidInput, 'percent: must be a whole number from 0 to 100 (got 101)');
      spec.given(running).when(cmd.stage('running', Number.NaN)).thenThrows(InvalidInput);
    });

    it('refuses progress on a queued, finished or missing job', () => {
      spec.given([queued]).when(cmd.stage('uploading')).thenThrows(JobNotClaimed, `Job ${jobId} is still queued, not claimed by a worker: it cannot report progress`);
      spec.given([...running, failed]).when(cmd.stage('downloading')).thenThrows(JobNotActive, `Job ${jobId} already failed: it cannot report progress`);
      spec.given([]).when(cmd.stage('uploading')).thenThrows(JobNotFound);
    });
  });

  describe('SucceedJob and FailJob', () => {
    it('succeeds with the attempt\'s duration since its claim', () => {
      spec.given([...running, stage('downloading', 100)]).when(cmd.succeed()).then([succeeded]);
    });

    it('never records a negative duration when clocks disagree', () => {
      spec.given(running).when(cmd.succeed(t0)).then([{ type: 'JobSucceeded', data: { at: t0, durationSeconds: 0 } }]);
    });

    it('succeeds even after a cancel was requested: the container finished before the kill', () => {
      spec.given([...running, cancelRequested]).when(cmd.succeed()).then([succeeded]);
    });

    it('fails a claimed job in any stage with a typed reason', () => {
      spec.given(running).when(cmd.fail()).then([failed]);
      spec.given([queued, claimed()]).when(cmd.fail()).then([failed]);
    });

    it('refuses to end a queued job, a finished one (even the same way) and a missing one', () => {
      spec.given([queued]).when(cmd.succeed()).thenThrows(JobNotClaimed, /cannot succeed/);
      spec.given([queued]).when(cmd.fail()).thenThrows(JobNotClaimed, /cannot fail/);
      spec.given(done).when(cmd.succeed()).thenThrows(JobNotActive, `Job ${jobId} already succeeded: it cannot succeed`);
      spec.given([...running, cancelled()]).when(cmd.fail()).thenThrows(JobNotActive, /already cancelled/);
      spec.given([]).when(cmd.fail()).thenThrows(JobNotFound);
    });
  });

  describe('RequestCancel and ConfirmCancel', () => {
    it('cancels a queued job at once', () => {
      spec.given([queued]).when(cmd.cancel()).then([cancelled()]);
    });

    it('asks the worker to kill a claimed job, once', () => {
      spec.given([queued, claimed()]).when(cmd.cancel()).then([cancelRequested]);
      spec.given(running).when(cmd.cancel()).then([cancelRequested]);
      spec.given([...running, cancelRequested]).when(cmd.cancel(t3)).then([]);
    });

    it('refuses to cancel a finished or missing job', () => {
      let error: DomainError | undefined;
      try {
        jobDecider.decide(cmd.cancel(), fold(jobDecider, done));
      } catch (caught) {
        error = caught as DomainError;
      }
      expect(error).toMatchObject({ code: 'JOB_NOT_ACTIVE', details: { jobId, outcome: 'succeeded' } });
      spec.given(done).when(cmd.cancel()).thenThrows(JobNotActive, `Job ${jobId} already succeeded: it cannot be cancelled`);
      spec.given([queued, cancelled()]).when(cmd.cancel()).thenThrows(JobNotActive, /already cancelled/);
      spec.given([]).when(cmd.cancel()).thenThrows(JobNotFound);
    });

    it('confirms a requested cancel once the container is gone, crediting who asked', () => {
      spec.given([...running, cancelRequested]).when(cmd.confirmCancel()).then([cancelled(t3)]);
    });

    it('refuses to confirm a cancel nobody requested, or on a queued, finished or missing job', () => {
      spec.given(running).when(cmd.confirmCancel()).thenThrows(JobInvalidTransition, `Job ${jobId} has no cancel request to confirm`);
      spec.given([queued]).when(cmd.confirmCancel()).thenThrows(JobNotClaimed);
      spec.given([...running, cancelRequested, cancelled(t3)]).when(cmd.confirmCancel()).thenThrows(JobNotActive, /already cancelled/);
      spec.given([]).when(cmd.confirmCancel()).thenThrows(JobNotFound);
    });
  });

  describe('RequestCancel queuedOnly (clearing the queue)', () => {
    const clear = (): JobCommand => ({ type: 'RequestCancel', jobId, reason: 'queue cleared', queuedOnly: true, now: t2, actor: 'ben' });

    it('cancels a queued job, but refuses to stop one a node holds', () => {
      spec.given([queued]).when(clear()).then([{ type: 'JobCancelled', data: { by: 'ben', reason: 'queue cleared', at: t2 } }]);
      spec.given(running).when(clear()).thenThrows(JobNotQueued, /is running on gpu-1 \(attempt 1\): only queued jobs can be cleared from the queue/);
    });
  });

  describe('ReleaseJob', () => {
    it('gives back a claim whose container never started', () => {
      spec.given([queued, claimed()]).when(cmd.release()).then([released]);
      spec.given([queued, claimed(), stage('uploading', 60)]).when(cmd.release()).then([released]);
    });

    it('fails the job as interrupted when its last attempt is given back', () => {
      spec
        .given([queued, claimed(), released, claimed(2)])
        .when(cmd.release(2))
        .then([
          {
            type: 'JobFailed',
            data: { reason: 'INTERRUPTED', message: 'worker restarted during upload (attempt 2 of 2; no attempts left)', exitCode: null, at: t2 },
          },
        ]);
    });

    it('cancels instead of queueing again when a cancel was requested', () => {
      spec.given([queued, claimed(), cancelRequested]).when(cmd.release()).then([cancelled()]);
    });

    it('refuses once the container started', () => {
      spec.given(running).when(cmd.release()).thenThrows(JobInvalidTransition, /cannot be released: its container started \(running\); reattach or finalize it/);
      spec.given([...running, stage('downloading')]).when(cmd.release()).thenThrows(JobInvalidTransition, /\(downloading\)/);
    });

    it('refuses a maxAttempts below 1, and a queued, finished or missing job', () => {
      spec.given([queued, claimed()]).when(cmd.release(0)).thenThrows(InvalidInput, 'maxAttempts: must be a whole number ≥ 1 (got 0)');
      spec.given([queued]).when(cmd.release()).thenThrows(JobNotClaimed, /cannot be released/);
      spec.given(done).when(cmd.release()).thenThrows(JobNotActive);
      spec.given([]).when(cmd.release()).thenThrows(JobNotFound);
    });
  });

  describe('RetryJob', () => {
    it('links a failed or cancelled job to its copy', () => {
      spec.given([...running, failed]).when(cmd.retry()).then([retried]);
      spec.given([queued, cancelled()]).when(cmd.retry()).then([retried]);
    });

    it('treats the same retry again as a no-op and refuses a second copy', () => {
      spec.given([...running, failed, retried]).when(cmd.retry()).then([]);
      spec
        .given([...running, failed, retried])
        .when(cmd.retry('job_aaaaaaaaaaaaaaaa'))
        .thenThrows(JobAlreadyRetried, `Job ${jobId} was already retried as ${copyId}: retry that job instead`);
    });

    it('refuses to retry a job that succeeded or has not finished', () => {
      spec.given(done).when(cmd.retry()).thenThrows(JobNotRetryable, `Job ${jobId} already succeeded: only failed or cancelled jobs can be retried`);
      spec.given([queued]).when(cmd.retry()).thenThrows(JobNotRetryable, /is still queued/);
      spec.given(running).when(cmd.retry()).thenThrows(JobNotRetryable, /is running on gpu-1/);
      spec.given([]).when(cmd.retry()).thenThrows(JobNotFound);
    });

    it('refuses a malformed copy id, or the job itself', () => {
      spec.given([queued, cancelled()]).when(cmd.retry('copy')).thenThrows(InvalidInput, /input\.newJobId: must be 'job_'/);
      spec.given([queued, cancelled()]).when(cmd.retry(jobId)).thenThrows(InvalidInput, 'input.newJobId: a job cannot retry itself');
    });
  });

  describe('MergeIntoBatch', () => {
    const merged: JobMergedIntoBatch = { type: 'JobMergedIntoBatch', data: { batchJobId: batchId, by: 'ana', at: t1 } };

    it('ends a queued job merged into its batch, and a repeat for that batch changes nothing', () => {
      spec.given([queued]).when(cmd.merge()).then([merged]);
      spec.given([queued, claimed(), released]).when(cmd.merge()).then([merged]);
      spec.given([queued, merged]).when(cmd.merge()).then([]);
      spec.given([queued, merged]).thenState({ status: 'Finished', outcome: 'merged', attempts: 0, finishedAt: t1, retriedAs: null, mergedInto: batchId });
    });

    it('refuses a job a node holds, one that ended, one merged elsewhere, and a bad batch id', () => {
      spec.given(running).when(cmd.merge()).thenThrows(JobNotQueued, /is running on gpu-1 \(attempt 1\): only queued jobs can be merged into a batch/);
      spec.given([queued, cancelled()]).when(cmd.merge()).thenThrows(JobNotQueued, /already cancelled/);
      spec.given([queued, merged]).when(cmd.merge(copyId)).thenThrows(JobNotQueued, /already merged/);
      spec.given([]).when(cmd.merge()).thenThrows(JobNotFound);
      spec.given([queued]).when(cmd.merge(jobId)).thenThrows(InvalidInput, 'input.batchJobId: a job cannot merge into itself');
      spec.given([queued]).when(cmd.merge('batch')).thenThrows(InvalidInput, /input\.batchJobId: must be 'job_'/);
    });

    it('never retries a merged job: its runs carry on in the batch', () => {
      spec.given([queued, merged]).when(cmd.retry()).thenThrows(JobNotRetryable, `Job ${jobId} was merged into ${batchId}, whose runs carry on: only failed or cancelled jobs can be retried`);
    });

    it('queues a merged batch with its sources and the earliest source\'s place in the queue', () => {
      const batch = { kind: 'batch_inference', runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_2'], config: { runs: [config, config] } } as const;
      const from = { from: [copyId, batchId], queuedAt: '2026-11-28T09:00:00.000Z' };
      spec
        .given([])
        .when(queue({ ...batch, merged: from }))
        .then([queuedAs({ ...batch, runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_2'], mergedFrom: [copyId, batchId], queuedAt: from.queuedAt, numGpus: 1 })]);
    });

    it('refuses a merged job that is no batch, merges nothing, itself or a bad id', () => {
      const batch = { kind: 'batch_inference', runIds: ['rs_1', 'rs_2'], promptIds: ['ps_1', 'ps_2'], config: { runs: [config, config] } } as const;
      const when = (merged: QueueJob['merged'], kind: QueueJob['kind'] = 'batch_inference') => fieldsOf([], queue({ ...batch, kind, merged }));
      expect(when({ from: [copyId], queuedAt: t0 }, 'inference')).toContainEqual({ field: 'input.merged', problem: 'only a batch_inference job is made by merging (got inference)' });
      expect(when({ from: [], queuedAt: t0 })).toEqual([{ field: 'input.merged', problem: 'names at least one merged job' }]);
      expect(when({ from: [jobId], queuedAt: t0 })).toEqual([{ field: 'input.merged', problem: 'a job cannot be merged into itself' }]);
      expect(when({ from: ['job 2'], queuedAt: t0 })).toEqual([{ field: 'input.merged', problem: expect.stringMatching(/^from: must be 'job_'/) }]);
      expect(when({ from: [copyId], queuedAt: 'yesterday' })).toEqual([{ field: 'input.merged', problem: 'queuedAt must be an ISO timestamp (got "yesterday")' }]);
    });
  });

  describe('evolve', () => {
    it('queues, claims and follows progress', () => {
      const claimedState = {
        status: 'Claimed',
        kind: 'inference',
        priority: 50,
        queuedAt: t0,
        node: 'gpu-1',
        attempt: 1,
        containerName: `cosmos_inference_${jobId}_a1`,
        claimedAt: t1,
        stage: null,
        percent: 0,
        cancelRequested: null,
      } as const;
      spec.given([]).thenState({ status: 'NotQueued' });
      spec.given([queued]).thenState({ status: 'Queued', kind: 'inference', priority: 50, attempts: 0, queuedAt: t0 });
      spec.given([queued, claimed()]).thenState(claimedState);
      spec.given([...running, cancelRequested]).thenState({ ...claimedState, stage: 'running', percent: 40, cancelRequested: { by: 'ben', reason: 'wrong weights' } });
    });

    it('releases back to the queue with the attempts kept and the original place', () => {
      spec.given([queued, claimed(), released]).thenState({ status: 'Queued', kind: 'inference', priority: 50, attempts: 1, queuedAt: t0 });
    });

    it('finishes with the outcome, the attempts spent and the retry link', () => {
      spec.given(done).thenState({ status: 'Finished', outcome: 'succeeded', attempts: 1, finishedAt: t3, retriedAs: null, mergedInto: null });
      spec.given([queued, cancelled()]).thenState({ status: 'Finished', outcome: 'cancelled', attempts: 0, finishedAt: t2, retriedAs: null, mergedInto: null });
      spec.given([queued, claimed(), released, claimed(2), failed, retried]).thenState({
        status: 'Finished',
        outcome: 'failed',
        attempts: 2,
        finishedAt: t3,
        retriedAs: copyId,
        mergedInto: null,
      });
    });
  });
});

describe('JobQueued v1 → v2', () => {
  it('marks a job queued before texts were kept as reading its prompts when it starts', () => {
    const v1 = { jobId, kind: 'inference', runIds: ['rs_1'], promptIds: ['ps_1'], config, priority: 50, idempotencyKey: null, retryOf: null, queuedAt: t0, queuedBy: 'ana' };
    expect(jobQueuedFromV1(v1)).toEqual({ ...v1, promptTexts: null });
  });
});

describe('JobQueued v2 → v3', () => {
  it('keeps the v2 texts and marks the rest of each prompt as read when the job starts', () => {
    const v2 = { jobId, kind: 'inference', runIds: ['rs_1'], promptIds: ['ps_1'], config, promptTexts: { ps_1: { text: 'a harbour', negativePrompt: '' } }, priority: 50, idempotencyKey: null, retryOf: null, queuedAt: t0, queuedBy: 'ana' };
    expect(jobQueuedFromV2(v2)).toEqual({ ...v2, prompts: null, upscale: null });
  });
});
