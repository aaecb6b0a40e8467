/**
 * Where a job is: waiting, held by a node (claimed, then its stages), or finished. `merged`: smart
 * batching moved its runs into a batch job (`mergedInto`); it ends the job as the others do.
 */
export const JOB_STATUSES = ['queued', 'claimed', 'uploading', 'running', 'downloading', 'succeeded', 'failed', 'cancelled', 'merged'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** A node holds the job: from the claim until it finishes or is released. */
export const ACTIVE_JOB_STATUSES = ['claimed', 'uploading', 'running', 'downloading'] as const satisfies readonly JobStatus[];
/** No longer live, as the integrity check sees it (apps/api/src/integrity/live-jobs.ts), though a merged job's runs wait for its batch. */
export const FINISHED_JOB_STATUSES = ['succeeded', 'failed', 'cancelled', 'merged'] as const satisfies readonly JobStatus[];

export type ActiveJobStatus = (typeof ACTIVE_JOB_STATUSES)[number];
export type FinishedJobStatus = (typeof FINISHED_JOB_STATUSES)[number];
