import { type DocumentStore, type JobDoc, JOBS_COLLECTION } from '../../../../libs/read-models/src/index.js';
import { STUCK_GRACE_MS } from './live-jobs.js';

/** A batch job some jobs were merged into, but that was never queued. */
export interface UnfinishedBatch {
  readonly batchJobId: string;
  /** The jobs merged into it, in queue order (queuedAt, then id): the order the batch takes their runs in. */
  readonly sources: readonly JobDoc[];
}

/**
 * Batches whose apply was cut off after merging jobs into them but before queueing them: their
 * runs wait for a job that does not exist. Each batch job's JobQueued is appended after its
 * merges and read models follow the log on their own, so a batch counts only once its latest
 * merge is older than STUCK_GRACE_MS. Batches come in the queue order of their earliest source.
 */
export async function unfinishedBatches(documents: DocumentStore, now: Date): Promise<UnfinishedBatch[]> {
  const merged = await documents.find<JobDoc>(JOBS_COLLECTION, { status: 'merged' });
  const inQueueOrder = merged.sort((a, b) => Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const byBatch = new Map<string, JobDoc[]>();
  for (const job of inQueueOrder) {
    if (job.mergedInto === null) continue;
    byBatch.set(job.mergedInto, [...(byBatch.get(job.mergedInto) ?? []), job]);
  }
  if (byBatch.size === 0) return [];

  const queued = await documents.find<JobDoc>(JOBS_COLLECTION, { id: { $in: [...byBatch.keys()] } });
  const present = new Set(queued.map((job) => job.id));
  const settled = (sources: readonly JobDoc[]) => sources.every((job) => now.getTime() - Date.parse(job.finishedAt ?? job.updatedAt) > STUCK_GRACE_MS);
  return [...byBatch]
    .filter(([batchJobId, sources]) => !present.has(batchJobId) && settled(sources))
    .map(([batchJobId, sources]) => ({ batchJobId, sources }));
}
