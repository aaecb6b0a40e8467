import type { FailureReason, JobEvent, JobKind, RunEvent, RunKind } from '../../../domain/src/index.js';

/** What statistics need to know of one job, folded from its own stream. */
export interface JobFacts {
  readonly kind: 'job';
  readonly jobKind: JobKind;
  readonly status: 'queued' | 'claimed' | 'succeeded' | 'failed' | 'cancelled' | 'merged';
  readonly queuedAt: string;
  /** The first claim: the end of the job's wait in the queue. */
  readonly firstClaimedAt: string | null;
  readonly firstNode: string | null;
  /** The current (last) attempt's claim and node: the GPU time counted. */
  readonly claimedAt: string | null;
  readonly node: string | null;
  readonly endedAt: string | null;
  readonly durationSeconds: number | null;
  readonly failureReason: FailureReason | null;
  /** A batch smart batching made: how many queued jobs it took over (each would have been a container). */
  readonly mergedFrom: number;
}

export interface RunFacts {
  readonly kind: 'run';
  readonly runKind: RunKind;
  readonly status: 'pending' | 'uploading' | 'running' | 'downloading' | 'completed' | 'failed' | 'cancelled';
  readonly node: string | null;
  readonly endedAt: string | null;
  readonly failureReason: FailureReason | null;
  readonly rating: number | null;
}

const ENDED_JOB = new Set(['succeeded', 'failed', 'cancelled', 'merged']);
const ENDED_RUN = new Set(['completed', 'failed', 'cancelled']);

export function jobEnded(facts: JobFacts): boolean {
  return ENDED_JOB.has(facts.status);
}

export function runEnded(facts: RunFacts): boolean {
  return ENDED_RUN.has(facts.status);
}

/** Like the job decider: the first recorded end stands; later events change nothing. */
export function evolveJobFacts(facts: JobFacts | null, event: JobEvent): JobFacts | null {
  if (event.type === 'JobQueued') {
    if (facts !== null) return facts;
    const { kind, queuedAt, mergedFrom = [] } = event.data;
    return {
      kind: 'job', jobKind: kind, status: 'queued', queuedAt, firstClaimedAt: null, firstNode: null, claimedAt: null, node: null,
      endedAt: null, durationSeconds: null, failureReason: null, mergedFrom: mergedFrom.length,
    };
  }
  if (facts === null || jobEnded(facts)) return facts;
  switch (event.type) {
    case 'JobClaimed': {
      const { claimedAt, node } = event.data;
      return { ...facts, status: 'claimed', claimedAt, node, firstClaimedAt: facts.firstClaimedAt ?? claimedAt, firstNode: facts.firstNode ?? node };
    }
    case 'JobReleased':
      return { ...facts, status: 'queued' };
    case 'JobSucceeded':
      return { ...facts, status: 'succeeded', endedAt: event.data.at, durationSeconds: event.data.durationSeconds };
    case 'JobFailed':
      return { ...facts, status: 'failed', endedAt: event.data.at, failureReason: event.data.reason };
    case 'JobCancelled':
      return { ...facts, status: 'cancelled', endedAt: event.data.at };
    case 'JobMergedIntoBatch':
      return { ...facts, status: 'merged', endedAt: event.data.at };
    default:
      return facts;
  }
}

export function evolveRunFacts(facts: RunFacts | null, event: RunEvent): RunFacts | null {
  if (event.type === 'RunRequested') {
    if (facts !== null) return facts;
    return { kind: 'run', runKind: event.data.kind, status: 'pending', node: null, endedAt: null, failureReason: null, rating: null };
  }
  if (facts === null) return null;
  switch (event.type) {
    case 'RunStatusChanged':
      return runEnded(facts) ? facts : { ...facts, status: event.data.status, node: event.data.node };
    case 'RunCompleted':
      return runEnded(facts) ? facts : { ...facts, status: 'completed', endedAt: event.data.completedAt };
    case 'RunFailed':
      return runEnded(facts) ? facts : { ...facts, status: 'failed', endedAt: event.data.failedAt, failureReason: event.data.reason };
    case 'RunCancelled':
      return runEnded(facts) ? facts : { ...facts, status: 'cancelled', endedAt: event.data.cancelledAt };
    case 'RunRated':
      return facts.status === 'completed' ? { ...facts, rating: event.data.rating } : facts;
    // A deleted run still happened: history's statistics keep it.
    default:
      return facts;
  }
}
