import { DEFAULT_JOB_DURATIONS_SECONDS, DURATION_SAMPLE_SIZE, estimateWaits, JOB_KINDS, type JobDuration, type JobKind, median } from '../../../domain/src/index.js';
import type { DocumentStore } from '../document-store.port.js';
import { ACTIVE_JOB_STATUSES, type JobDoc } from './job.doc.js';
import { JOBS_COLLECTION } from './jobs.projection.js';

export interface QueueViewOptions {
  readonly now: string;
  /** Nodes that take jobs; a node running a job counts even if this says fewer. */
  readonly nodeCount: number;
  /** How many of each kind's latest successes the median duration looks at. */
  readonly recentLimit?: number;
  /** Used for a kind with no success to measure. */
  readonly defaults?: Readonly<Record<JobKind, number>>;
}

export interface QueueItem {
  readonly job: JobDoc;
  /** 1-based, in claim order. */
  readonly position: number;
  /** Seconds from `now` until a node is expected to take it. */
  readonly etaSeconds: number;
}

export interface RunningItem {
  readonly job: JobDoc;
  /** Seconds since the current attempt was claimed. */
  readonly elapsedSeconds: number;
}

export interface DurationUsed {
  readonly seconds: number;
  /** `recent`: the median of `samples` latest successes; `default`: none to measure. */
  readonly source: 'recent' | 'default';
  readonly samples: number;
}

export interface QueueView {
  readonly items: readonly QueueItem[];
  /** Oldest claim first. */
  readonly running: readonly RunningItem[];
  /** What each kind is expected to take, and where the figure came from. */
  readonly durationsUsed: Readonly<Record<JobKind, DurationUsed>>;
}

export interface QueueJobs {
  readonly queued: readonly JobDoc[];
  /** Claimed, uploading, running or downloading. */
  readonly active: readonly JobDoc[];
  /** Succeeded jobs to learn durations from; only each kind's `recentLimit` latest by `finishedAt` count. */
  readonly succeeded: readonly JobDoc[];
}

/** Pure: the queue in claim order with each job's wait, what runs now, and the durations assumed. */
export function queueViewOf(jobs: QueueJobs, options: QueueViewOptions): QueueView {
  const { now, nodeCount, recentLimit = DURATION_SAMPLE_SIZE, defaults = DEFAULT_JOB_DURATIONS_SECONDS } = options;
  const recentDurations = recentSuccesses(jobs.succeeded, recentLimit);
  const active = [...jobs.active].sort((a, b) => Date.parse(claimedAt(a)) - Date.parse(claimedAt(b)) || compareText(a.id, b.id));

  const estimates = estimateWaits({
    queued: jobs.queued.map((job) => ({ jobId: job.id, kind: job.kind, priority: job.priority, queuedAt: job.queuedAt })),
    running: active.map((job) => ({ node: job.node ?? job.id, kind: job.kind, startedAt: claimedAt(job) })),
    recentDurations,
    defaults,
    nodeCount,
    now,
    sampleSize: recentLimit,
  });
  const byId = new Map(jobs.queued.map((job) => [job.id, job]));

  return {
    items: estimates.map(({ jobId, position, etaSeconds }) => ({ job: byId.get(jobId)!, position, etaSeconds })),
    running: active.map((job) => ({ job, elapsedSeconds: Math.max(0, Math.round((Date.parse(now) - Date.parse(claimedAt(job))) / 1000)) })),
    durationsUsed: durationsUsed(recentDurations, defaults),
  };
}

/** The same view read from the `jobs` collection: two scans of live jobs and one short, sorted read per kind. */
export async function queueView(documents: DocumentStore, options: QueueViewOptions): Promise<QueueView> {
  const limit = options.recentLimit ?? DURATION_SAMPLE_SIZE;
  const [queued, active, ...succeeded] = await Promise.all([
    documents.find<JobDoc>(JOBS_COLLECTION, { status: 'queued' }),
    documents.find<JobDoc>(JOBS_COLLECTION, { status: { $in: ACTIVE_JOB_STATUSES } }),
    ...JOB_KINDS.map((kind) =>
      documents.find<JobDoc>(JOBS_COLLECTION, { status: 'succeeded', kind }, { sort: { finishedAt: -1, id: -1 }, limit }),
    ),
  ]);
  return queueViewOf({ queued, active, succeeded: succeeded.flat() }, options);
}

/** Each kind's latest `limit` successes, oldest first, as estimateWaits expects them. */
function recentSuccesses(succeeded: readonly JobDoc[], limit: number): JobDuration[] {
  const measured = succeeded
    .filter((job) => job.status === 'succeeded' && job.finishedAt !== null && job.durationSeconds !== null)
    .sort((a, b) => Date.parse(a.finishedAt!) - Date.parse(b.finishedAt!) || compareText(a.id, b.id));
  return JOB_KINDS.flatMap((kind) =>
    measured
      .filter((job) => job.kind === kind)
      .slice(-limit)
      .map((job) => ({ kind, seconds: job.durationSeconds! })),
  );
}

/** Mirrors estimateWaits' choice, so the view states the figures its ETAs were built on. */
function durationsUsed(recent: readonly JobDuration[], defaults: Readonly<Record<JobKind, number>>): Record<JobKind, DurationUsed> {
  const used = (kind: JobKind): DurationUsed => {
    const samples = recent.filter((duration) => duration.kind === kind).map((duration) => duration.seconds);
    const seconds = median(samples);
    return seconds === null ? { seconds: defaults[kind], source: 'default', samples: 0 } : { seconds, source: 'recent', samples: samples.length };
  };
  return { inference: used('inference'), batch_inference: used('batch_inference'), upscale: used('upscale'), enhance: used('enhance') };
}

/** An active job always has its claim; the fallback only keeps a malformed document from throwing. */
function claimedAt(job: JobDoc): string {
  return job.claimedAt ?? job.updatedAt;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
