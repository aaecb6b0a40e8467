import { find } from 'mingo';
import type { DocumentStore, Filter, JobDoc, RunDoc } from '../../../../libs/read-models/src/index.js';
import { stalledJobs, STUCK_GRACE_MS, stuckRuns } from './live-jobs.js';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const run = (id: string, jobId: string, requestedAt: string, status: RunDoc['status'] = 'pending') => ({ id, jobId, status, requestedAt }) as RunDoc;
/** Only what stuckRuns asks of the store: jobs matching a filter. */
const jobsStore = (jobs: Partial<JobDoc>[]) => ({ find: async (_collection: string, filter: Filter) => find(jobs, filter).all() }) as unknown as DocumentStore;

describe('stuckRuns', () => {
  it('counts an active run as stuck when its job ended, not while the job is live', async () => {
    const runs = [run('rs_live', 'job_live', ago(10 * STUCK_GRACE_MS)), run('rs_done', 'job_done', ago(10 * STUCK_GRACE_MS))];
    const store = jobsStore([
      { id: 'job_live', status: 'running', runIds: ['rs_live'] },
      { id: 'job_done', status: 'failed', runIds: ['rs_done'] },
    ]);
    expect((await stuckRuns(store, runs, NOW)).map((stuck) => stuck.id)).toEqual(['rs_done']);
  });

  it('gives a run whose job is not readable yet a grace period, then counts it stuck', async () => {
    const runs = [run('rs_new', 'job_unseen', ago(STUCK_GRACE_MS / 2)), run('rs_old', 'job_lost', ago(STUCK_GRACE_MS * 2))];
    expect((await stuckRuns(jobsStore([]), runs, NOW)).map((stuck) => stuck.id)).toEqual(['rs_old']);
  });

  it('leaves the runs of a merged job, and runs already moved into a batch not queued yet, to UNFINISHED_BATCH', async () => {
    const runs = [
      run('rs_to_move', 'job_merged', ago(10 * STUCK_GRACE_MS)),
      run('rs_moved', 'job_batch', ago(10 * STUCK_GRACE_MS)),
      run('rs_lost', 'job_lost', ago(10 * STUCK_GRACE_MS)),
    ];
    const store = jobsStore([
      { id: 'job_merged', status: 'merged', mergedInto: 'job_batch', runIds: ['rs_to_move'] },
      { id: 'job_merged_first', status: 'merged', mergedInto: 'job_batch', runIds: ['rs_moved'] },
    ]);
    expect((await stuckRuns(store, runs, NOW)).map((stuck) => stuck.id)).toEqual(['rs_lost']);
  });

  it('never counts a finished run', async () => {
    expect(await stuckRuns(jobsStore([]), [run('rs_ok', 'job_gone', ago(STUCK_GRACE_MS * 2), 'completed')], NOW)).toEqual([]);
  });
});

describe('stalledJobs', () => {
  it('finds queued pre-v3 jobs past the grace period with a run never recorded, and nothing else', async () => {
    const jobs = [
      { id: 'job_cut', status: 'queued', queuedAt: ago(2 * STUCK_GRACE_MS), runIds: ['rs_1', 'rs_missing'], prompts: null },
      { id: 'job_new', status: 'queued', queuedAt: ago(STUCK_GRACE_MS / 2), runIds: ['rs_missing_too'], prompts: null },
      { id: 'job_whole', status: 'queued', queuedAt: ago(2 * STUCK_GRACE_MS), runIds: ['rs_1'], prompts: null },
      // Queued whole (v3): the worker that claims it makes the runs its request did not.
      { id: 'job_v3', status: 'queued', queuedAt: ago(2 * STUCK_GRACE_MS), runIds: ['rs_missing_3'], prompts: {} },
    ];
    const store = { find: async () => jobs } as unknown as DocumentStore;
    expect((await stalledJobs(store, new Set(['rs_1']), NOW)).map((job) => job.id)).toEqual(['job_cut']);
  });
});
