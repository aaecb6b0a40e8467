import type { Doc, DocumentStore } from '../../../../libs/read-models/src/document-store.port.js';
import type { RunDoc } from '../../../../libs/read-models/src/runs/run.doc.js';
import { isActiveRun } from '../deletion/deletion.planner.js';

/**
 * What this check needs from the jobs read model, which job execution (a later issue) will keep:
 * one document per job in `jobs`, with its `status` and the `runIds` it produces. A job is live
 * until it reaches one of FINISHED_JOB_STATUSES. Until that projection exists the collection is
 * empty, so every active run counts as stuck.
 */
export const JOBS_COLLECTION = 'jobs';
export const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'cancelled'] as const;

interface JobRuns extends Doc {
  readonly runIds: readonly string[];
}

/** Active runs (pending or in progress) that no live job is executing: nothing will ever finish them. */
export async function stuckRuns(documents: DocumentStore, runs: readonly RunDoc[]): Promise<RunDoc[]> {
  const active = runs.filter(isActiveRun);
  if (active.length === 0) return [];
  const jobs = await documents.find<JobRuns>(JOBS_COLLECTION, {
    runIds: { $in: active.map((run) => run.id) },
    status: { $nin: FINISHED_JOB_STATUSES },
  });
  const executing = new Set(jobs.flatMap((job) => job.runIds));
  return active.filter((run) => !executing.has(run.id));
}
