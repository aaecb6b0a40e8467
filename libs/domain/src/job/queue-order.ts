import type { JobKind } from './job.events.js';

export interface QueuedJobRef {
  readonly jobId: string;
  readonly kind: JobKind;
  readonly priority: number;
  readonly queuedAt: string;
}

export interface RunningJobRef {
  readonly node: string;
  readonly kind: JobKind;
  /** When the current attempt was claimed. */
  readonly startedAt: string;
}

export interface JobDuration {
  readonly kind: JobKind;
  readonly seconds: number;
}

export interface WaitEstimate {
  readonly jobId: string;
  /** 1-based. */
  readonly position: number;
  /** Seconds from `now` until the job is expected to start on a node. */
  readonly etaSeconds: number;
}

/**
 * Guesses used until this deployment has finished jobs of a kind to measure; configuration may
 * override them. The predecessor's fixed 120 s per position ignored the kind altogether.
 */
export const DEFAULT_JOB_DURATIONS_SECONDS: Readonly<Record<JobKind, number>> = {
  inference: 600,
  batch_inference: 1200,
  upscale: 900,
  enhance: 120,
};

/** How many recent durations of a kind the median looks at: recent enough to follow a model or driver change. */
export const DURATION_SAMPLE_SIZE = 20;

/** Higher priority first, then first come first served; the id only makes the order total. */
export function compareQueued(a: QueuedJobRef, b: QueuedJobRef): number {
  return b.priority - a.priority || Date.parse(a.queuedAt) - Date.parse(b.queuedAt) || compareText(a.jobId, b.jobId);
}

/** Every queued job's 1-based position, in claim order. */
export function queuePositions(jobs: readonly QueuedJobRef[]): ReadonlyMap<string, number> {
  return new Map([...jobs].sort(compareQueued).map((job, index) => [job.jobId, index + 1]));
}

export interface WaitEstimateInput {
  readonly queued: readonly QueuedJobRef[];
  readonly running: readonly RunningJobRef[];
  /** Oldest first; only the last `sampleSize` of each kind count. */
  readonly recentDurations: readonly JobDuration[];
  readonly defaults: Readonly<Record<JobKind, number>>;
  /** Nodes that take jobs. A node running a job counts even if this says fewer. */
  readonly nodeCount: number;
  readonly now: string;
  readonly sampleSize?: number;
}

/**
 * Replays the queue onto the nodes: each job, in claim order, goes to the node that frees up
 * first and holds it for its kind's median duration. A running job holds its node for what is
 * left of its median (never below zero: an overdue job is taken as about to finish).
 */
export function estimateWaits(input: WaitEstimateInput): WaitEstimate[] {
  const { nodeCount, sampleSize = DURATION_SAMPLE_SIZE } = input;
  if (!(Number.isInteger(nodeCount) && nodeCount >= 1)) throw new RangeError(`nodeCount must be a whole number ≥ 1 (got ${nodeCount})`);
  if (!(Number.isInteger(sampleSize) && sampleSize >= 1)) throw new RangeError(`sampleSize must be a whole number ≥ 1 (got ${sampleSize})`);

  const expected = expectedDurations(input.recentDurations, input.defaults, sampleSize);
  const now = Date.parse(input.now);
  const busyUntil = new Map<string, number>();
  for (const job of input.running) {
    const remaining = Math.max(0, expected[job.kind] - (now - Date.parse(job.startedAt)) / 1000);
    busyUntil.set(job.node, (busyUntil.get(job.node) ?? 0) + remaining);
  }
  const freeAt = [...busyUntil.values()];
  while (freeAt.length < nodeCount) freeAt.push(0);

  return [...input.queued].sort(compareQueued).map((job, index) => {
    const node = earliest(freeAt);
    const etaSeconds = freeAt[node];
    freeAt[node] += expected[job.kind];
    return { jobId: job.jobId, position: index + 1, etaSeconds: Math.round(etaSeconds) };
  });
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function expectedDurations(
  recent: readonly JobDuration[],
  defaults: Readonly<Record<JobKind, number>>,
  sampleSize: number,
): Record<JobKind, number> {
  const pick = (kind: JobKind): number => {
    const seconds = recent.filter((duration) => duration.kind === kind).map((duration) => duration.seconds);
    return median(seconds.slice(-sampleSize)) ?? defaults[kind];
  };
  return { inference: pick('inference'), batch_inference: pick('batch_inference'), upscale: pick('upscale'), enhance: pick('enhance') };
}

/** The index of the smallest value; the first on ties, so equal nodes fill in a stable order. */
function earliest(values: readonly number[]): number {
  return values.reduce((best, value, index) => (value < values[best] ? index : best), 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
