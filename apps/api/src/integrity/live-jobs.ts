import { type DocumentStore, FINISHED_JOB_STATUSES, type JobDoc, JOBS_COLLECTION, type ProjectedFields, type RunDoc } from '../../../../libs/read-models/src/index.js';
import { isActiveRun } from '../deletion/deletion.planner.js';

/**
 * A request appends its job before its runs, but each read model follows the log on its own: a
 * run may be readable a moment before its job is. Younger than this, a run without a job is new,
 * not stuck.
 */
export const STUCK_GRACE_MS = 60_000;

/**
 * Queued jobs older than STUCK_GRACE_MS some of whose runs were never recorded: a request cut off
 * between its job and its runs, before v3. A worker runs a pre-v3 job only once the catalog shows
 * its runs, so nothing would ever run these; a v3 job holds what its runs need, and the worker
 * that claims it makes them.
 */
export async function stalledJobs(documents: DocumentStore, runIds: ReadonlySet<string>, now: Date): Promise<(JobDoc & ProjectedFields)[]> {
  const queued = await documents.find<JobDoc & ProjectedFields>(JOBS_COLLECTION, { status: 'queued' });
  const stalled = (job: JobDoc) => job.prompts === null && job.runIds.some((runId) => !runIds.has(runId));
  return queued.filter((job) => now.getTime() - Date.parse(job.queuedAt) > STUCK_GRACE_MS && stalled(job));
}

/**
 * Active runs (pending or in progress) that no live job will finish: their job ended, or it was
 * never recorded (a request that crashed half-way) and the run is older than STUCK_GRACE_MS.
 *
 * Smart batching's apply moves runs in steps (merge the job, move its runs, queue the batch), and
 * a cut-off apply is UNFINISHED_BATCH's to complete, not these runs' to fail: a run whose job was
 * merged waits to be moved, and a run already moved into a batch never queued waits for it.
 */
export async function stuckRuns(documents: DocumentStore, runs: readonly RunDoc[], now: Date): Promise<RunDoc[]> {
  const active = runs.filter(isActiveRun);
  if (active.length === 0) return [];
  const jobIds = [...new Set(active.map((run) => run.jobId))];
  const jobs = await documents.find<JobDoc>(JOBS_COLLECTION, { id: { $in: jobIds } });
  const byId = new Map(jobs.map((job) => [job.id, job]));
  const unrecorded = jobIds.filter((jobId) => !byId.has(jobId));
  const mergedInto =
    unrecorded.length === 0 ? [] : await documents.find<JobDoc>(JOBS_COLLECTION, { status: 'merged', mergedInto: { $in: unrecorded } });
  const awaitedBatches = new Set(mergedInto.map((job) => job.mergedInto));
  return active.filter((run) => {
    const job = byId.get(run.jobId);
    if (job === undefined) return !awaitedBatches.has(run.jobId) && now.getTime() - Date.parse(run.requestedAt) > STUCK_GRACE_MS;
    if (job.status === 'merged') return false;
    return (FINISHED_JOB_STATUSES as readonly string[]).includes(job.status) || !job.runIds.includes(run.id);
  });
}
