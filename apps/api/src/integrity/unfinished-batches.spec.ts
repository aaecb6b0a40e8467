import { find } from 'mingo';
import type { DocumentStore, Filter, JobDoc } from '../../../../libs/read-models/src/index.js';
import { STUCK_GRACE_MS } from './live-jobs.js';
import { unfinishedBatches } from './unfinished-batches.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const merged = (id: string, mergedInto: string, queuedAt: string, mergedAt = ago(2 * STUCK_GRACE_MS)) =>
  ({ id, status: 'merged', mergedInto, queuedAt, finishedAt: mergedAt, updatedAt: mergedAt }) as Partial<JobDoc>;
const jobsStore = (jobs: Partial<JobDoc>[]) => ({ find: async (_collection: string, filter: Filter) => find(jobs, filter).all() }) as unknown as DocumentStore;
const found = async (jobs: Partial<JobDoc>[]) =>
  (await unfinishedBatches(jobsStore(jobs), NOW)).map(({ batchJobId, sources }) => ({ batchJobId, sources: sources.map((job) => job.id) }));

describe('unfinishedBatches', () => {
  it('finds each batch job never queued, with the jobs merged into it in queue order', async () => {
    const jobs = [
      merged('job_c', 'job_batch_1', ago(50 * STUCK_GRACE_MS)),
      merged('job_b', 'job_batch_1', ago(60 * STUCK_GRACE_MS)),
      merged('job_a', 'job_batch_1', ago(60 * STUCK_GRACE_MS)),
      merged('job_d', 'job_batch_2', ago(70 * STUCK_GRACE_MS)),
    ];
    expect(await found(jobs)).toEqual([
      { batchJobId: 'job_batch_2', sources: ['job_d'] },
      { batchJobId: 'job_batch_1', sources: ['job_a', 'job_b', 'job_c'] },
    ]);
  });

  it('leaves out a batch that was queued', async () => {
    const jobs = [merged('job_a', 'job_batch', ago(60 * STUCK_GRACE_MS)), { id: 'job_batch', status: 'succeeded', mergedFrom: ['job_a'] } as Partial<JobDoc>];
    expect(await found(jobs)).toEqual([]);
  });

  it('gives a merge the grace period: its batch may still be being queued, or projected', async () => {
    const jobs = [
      merged('job_a', 'job_batch', ago(60 * STUCK_GRACE_MS)),
      merged('job_b', 'job_batch', ago(60 * STUCK_GRACE_MS), ago(STUCK_GRACE_MS / 2)),
    ];
    expect(await found(jobs)).toEqual([]);
  });

  it('finds nothing when no job was merged', async () => {
    expect(await found([{ id: 'job_q', status: 'queued', queuedAt: ago(60 * STUCK_GRACE_MS) } as Partial<JobDoc>])).toEqual([]);
  });
});
