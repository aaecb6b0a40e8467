import type { QueuedPrompt } from '../job/job.events.js';
import { type BatchSource, batchQueueStep, mergeSteps, moveSteps } from './batch-apply.js';

const at = { now: '2026-12-04T10:00:00.000Z', actor: 'ana' };
const batchJobId = 'job_00000000000000b1';
const video = { path: 'harbour/color.mp4', frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 5.04, codec: 'h264', sizeBytes: 1 };
const harbour: QueuedPrompt = { text: 'a harbour', negativePrompt: '', name: 'harbour', modelType: 'transfer', inputs: { videoDir: 'harbour', color: video, depth: null, segmentation: null } };
const single: BatchSource = { jobId: 'job_000000000000000a', kind: 'inference', runIds: ['rs_a'], promptIds: ['ps_1'], config: { seed: 7 }, priority: 60, numGpus: 2, queuedAt: '2026-12-04T09:05:00.000Z' };
const batch: BatchSource = {
  jobId: 'job_000000000000000b',
  kind: 'batch_inference',
  runIds: ['rs_b1', 'rs_b2'],
  promptIds: ['ps_2', 'ps_1'],
  config: { runs: [{ seed: 1 }, { seed: 2 }] },
  priority: 40,
  numGpus: 2,
  queuedAt: '2026-12-04T09:00:00.000Z',
};

describe('applying a smart batch', () => {
  it('merges each source under an id derived from the batch', () => {
    expect(mergeSteps(batchJobId, [single.jobId, batch.jobId], at)).toEqual([
      { commandId: `${batchJobId}:merge:${single.jobId}`, command: { type: 'MergeIntoBatch', jobId: single.jobId, batchJobId, ...at } },
      { commandId: `${batchJobId}:merge:${batch.jobId}`, command: { type: 'MergeIntoBatch', jobId: batch.jobId, batchJobId, ...at } },
    ]);
  });

  it('moves the merged jobs\' runs in queue order, each keeping its prompt and its own config', () => {
    const moves = moveSteps(batchJobId, [single, batch], at);
    expect(moves.map((move) => [move.commandId, move.command.fromJobId, move.promptId, move.config])).toEqual([
      [`${batchJobId}:move:rs_a`, single.jobId, 'ps_1', { seed: 7 }],
      [`${batchJobId}:move:rs_b1`, batch.jobId, 'ps_2', { seed: 1 }],
      [`${batchJobId}:move:rs_b2`, batch.jobId, 'ps_1', { seed: 2 }],
    ]);
  });

  it('queues the batch with the runs that moved, the first source\'s priority and the earliest place in the queue', () => {
    const moved = moveSteps(batchJobId, [single, batch], at).filter((move) => move.command.runId !== 'rs_b1');
    const step = batchQueueStep(batchJobId, [single, batch], moved, { ps_1: harbour }, at)!;
    expect(step.commandId).toBe(`${batchJobId}:queue`);
    expect(step.command).toMatchObject({
      kind: 'batch_inference',
      runIds: ['rs_a', 'rs_b2'],
      promptIds: ['ps_1', 'ps_1'],
      config: { runs: [{ seed: 7 }, { seed: 2 }] },
      priority: 60,
      numGpus: 2,
      merged: { from: [single.jobId, batch.jobId], queuedAt: batch.queuedAt },
    });
  });

  it('queues nothing when no run moved', () => {
    expect(batchQueueStep(batchJobId, [single], [], {}, at)).toBeNull();
  });
});
