import { type JobEvent, type JobKind, jobWorkOf, type QueuedJobRef } from '../../../../libs/domain/src/index.js';

/** A job the worker may still act on: queued, or claimed by some node. Ended jobs leave the board. */
export interface OpenJob {
  readonly id: string;
  readonly kind: JobKind;
  readonly priority: number;
  /** GPUs it asked for; null (or absent, on a board checkpointed before GPU slots) takes its node's every GPU. */
  readonly numGpus?: number | null;
  readonly queuedAt: string;
  readonly status: 'queued' | 'claimed';
  /** The claiming node while claimed. */
  readonly node: string | null;
  /** Claims so far: the next claim is attempt `attempts + 1`. */
  readonly attempts: number;
  readonly cancelRequested: boolean;
  /** Queued before v3: its runs and prompts are read from the catalog, which may not show them yet. */
  readonly legacy: boolean;
}

/**
 * The worker's own fold of a job stream, kept to the little it decides with. Pure: the same
 * (job, event) gives the same answer, so replaying events after a checkpoint changes nothing.
 */
export function evolveOpenJob(job: OpenJob | null, jobId: string, event: JobEvent): OpenJob | null {
  if (event.type === 'JobQueued') {
    if (job !== null) return job;
    const { kind, priority, queuedAt } = event.data;
    return { id: jobId, kind, priority, numGpus: event.data.numGpus ?? null, queuedAt, status: 'queued', node: null, attempts: 0, cancelRequested: false, legacy: jobWorkOf(event.data) === null };
  }
  if (job === null) return null;
  switch (event.type) {
    case 'JobPriorityChanged':
      return job.status === 'queued' ? { ...job, priority: event.data.priority } : job;
    case 'JobClaimed':
      return job.status === 'queued' ? { ...job, status: 'claimed', node: event.data.node, attempts: event.data.attempt, cancelRequested: false } : job;
    case 'JobReleased':
      return job.status === 'claimed' ? { ...job, status: 'queued', node: null } : job;
    case 'JobCancelRequested':
      return job.status === 'claimed' ? { ...job, cancelRequested: true } : job;
    case 'JobSucceeded':
    case 'JobFailed':
    case 'JobCancelled':
    case 'JobMergedIntoBatch':
      return null;
    case 'JobStageChanged':
    case 'JobRetried':
      return job;
  }
}

export function queuedRef(job: OpenJob): QueuedJobRef {
  return { jobId: job.id, kind: job.kind, priority: job.priority, queuedAt: job.queuedAt };
}
