import type { JobEvent, JobQueued } from '../../../../libs/domain/src/index.js';
import { jobQueuedData } from '../../../../libs/testing/src/index.js';
import { evolveOpenJob, type OpenJob } from './open-jobs.js';

const at = '2026-12-04T10:00:00.000Z';
const jobId = 'job_0000000000000001';
const queued: JobQueued = { type: 'JobQueued', data: jobQueuedData({ jobId, queuedAt: at }) };
const claimed = (attempt: number): JobEvent => ({ type: 'JobClaimed', data: { node: 'gpu-1', attempt, containerName: `c_a${attempt}`, claimedAt: at } });
const fold = (events: readonly JobEvent[]) => events.reduce<OpenJob | null>((job, event) => evolveOpenJob(job, jobId, event), null);

describe('evolveOpenJob', () => {
  it('given a queued job, holds it queued with its place in the queue', () => {
    expect(fold([queued])).toEqual({ id: jobId, kind: 'inference', priority: 50, numGpus: null, queuedAt: at, status: 'queued', node: null, attempts: 0, cancelRequested: false, legacy: false });
  });

  it('follows claims, releases and a cancel request; the next claim is the attempt after the last', () => {
    const released: JobEvent = { type: 'JobReleased', data: { reason: 'crash', at } };
    const cancel: JobEvent = { type: 'JobCancelRequested', data: { by: 'ben', reason: 'wrong prompt', at } };
    expect(fold([queued, claimed(1), released])).toMatchObject({ status: 'queued', node: null, attempts: 1 });
    expect(fold([queued, claimed(1), released, claimed(2), cancel])).toMatchObject({ status: 'claimed', node: 'gpu-1', attempts: 2, cancelRequested: true });
  });

  it('changes priority only while queued, and forgets a job once it ended or merged', () => {
    const priority = (value: number): JobEvent => ({ type: 'JobPriorityChanged', data: { priority: value, changedBy: 'ben', at } });
    expect(fold([queued, priority(90)])).toMatchObject({ priority: 90 });
    expect(fold([queued, claimed(1), priority(90)])).toMatchObject({ priority: 50 });
    expect(fold([queued, claimed(1), { type: 'JobSucceeded', data: { at, durationSeconds: 1 } }])).toBeNull();
    expect(fold([queued, { type: 'JobMergedIntoBatch', data: { batchJobId: 'job_00000000000000b1', by: 'ana', at } }])).toBeNull();
  });

  it('ignores a second JobQueued and events of a job it never saw queued; marks a pre-v3 job legacy', () => {
    expect(fold([queued, claimed(1), queued])).toMatchObject({ status: 'claimed' });
    expect(fold([claimed(1)])).toBeNull();
    expect(fold([{ ...queued, data: { ...queued.data, prompts: null, promptTexts: null } }])).toMatchObject({ legacy: true });
  });
});
