import { assertNever, JOB_EVENT_TYPES, type JobEvent, jobStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import type { Projection } from '../projections/projection.js';
import { ACTIVE_JOB_STATUSES, FINISHED_JOB_STATUSES, type FinishedJobStatus, type JobDoc, type JobStatus } from './job.doc.js';

const JOB_STREAM_PREFIX = jobStream('');

export const JOBS_COLLECTION = 'jobs';

/**
 * Follows the job decider's fold: an event that its state would ignore (a stage after the end, a
 * claim of a claimed job) leaves the document as it is, so the read model never shows a job in a
 * state the decider does not believe it is in.
 */
export const jobsProjection: Projection<JobDoc> = {
  name: 'jobs',
  version: 5, // 2: mergedInto and mergedFrom; 3: promptTexts; 4: prompts (whole, as queued); 5: numGpus and gpus
  collection: JOBS_COLLECTION,
  filter: { streamPrefixes: [JOB_STREAM_PREFIX], eventTypes: JOB_EVENT_TYPES },
  // Only MongoDB uses these; the embedded store scans its in-memory copy. They serve the queue in
  // claim order, the recent successes of a kind (ETA medians) and the integrity check's runIds lookup.
  indexes: [
    { keys: { status: 1, priority: -1, queuedAt: 1, id: 1 } },
    { keys: { status: 1, kind: 1, finishedAt: -1 } },
    { keys: { runIds: 1 } },
    // The jobs history list: newest first.
    { keys: { queuedAt: -1, id: -1 } },
  ],
  documentIds: (event) => (event.streamId.startsWith(JOB_STREAM_PREFIX) ? [event.streamId.slice(JOB_STREAM_PREFIX.length)] : []),

  evolve(doc, recorded: RecordedEvent) {
    const event = recorded as unknown as JobEvent;
    if (event.type === 'JobQueued') {
      // A stream has one JobQueued; a second one (never emitted) must not reset the job.
      if (doc !== null) return doc;
      const { jobId, kind, runIds, promptIds, config, prompts, priority, numGpus = null, idempotencyKey, retryOf, mergedFrom = [], queuedAt, queuedBy } = event.data;
      return {
        id: jobId,
        kind,
        status: 'queued',
        runIds,
        promptIds,
        config,
        priority,
        numGpus,
        idempotencyKey,
        retryOf,
        retriedAs: null,
        mergedInto: null,
        mergedFrom,
        prompts,
        queuedAt,
        queuedBy,
        attempts: 0,
        node: null,
        containerName: null,
        claimedAt: null,
        gpus: null,
        stage: null,
        percent: 0,
        cancelRequested: null,
        finishedAt: null,
        durationSeconds: null,
        failure: null,
        cancellation: null,
        updatedAt: queuedAt,
      };
    }
    // Every other event changes a job that exists; the decider never emits one for a missing job.
    if (doc === null) return null;
    switch (event.type) {
      case 'JobPriorityChanged':
        if (doc.status !== 'queued') return doc;
        return { ...doc, priority: event.data.priority, updatedAt: event.data.at };
      case 'JobClaimed': {
        if (doc.status !== 'queued') return doc;
        const { node, attempt, containerName, claimedAt, gpus = null } = event.data;
        return { ...doc, status: 'claimed', attempts: attempt, node, containerName, claimedAt, gpus, stage: null, percent: 0, updatedAt: claimedAt };
      }
      case 'JobStageChanged': {
        if (!isActive(doc.status)) return doc;
        const { stage, percent, at } = event.data;
        return { ...doc, status: stage, stage, percent, updatedAt: at };
      }
      case 'JobCancelRequested': {
        if (!isActive(doc.status)) return doc;
        const { by, reason, at } = event.data;
        return { ...doc, cancelRequested: { by, reason, at }, updatedAt: at };
      }
      case 'JobReleased':
        if (!isActive(doc.status)) return doc;
        // Back in the queue at its old place; `attempts` keeps counting, so the next claim is the next attempt.
        return { ...doc, status: 'queued', node: null, containerName: null, claimedAt: null, gpus: null, stage: null, percent: 0, updatedAt: event.data.at };
      case 'JobSucceeded': {
        if (isFinished(doc.status)) return doc;
        const { at, durationSeconds } = event.data;
        return { ...finish(doc, 'succeeded', at), durationSeconds };
      }
      case 'JobFailed': {
        if (isFinished(doc.status)) return doc;
        const { reason, message, exitCode, at } = event.data;
        return { ...finish(doc, 'failed', at), failure: { reason, message, exitCode } };
      }
      case 'JobCancelled': {
        if (isFinished(doc.status)) return doc;
        const { by, reason, at } = event.data;
        return { ...finish(doc, 'cancelled', at), cancellation: { by, reason } };
      }
      case 'JobRetried':
        if (!isFinished(doc.status)) return doc;
        return { ...doc, retriedAs: event.data.newJobId, updatedAt: event.data.at };
      case 'JobMergedIntoBatch':
        // As in the decider, only a queued job is merged; holding no claim, it ends with no duration.
        if (doc.status !== 'queued') return doc;
        return { ...finish(doc, 'merged', event.data.at), mergedInto: event.data.batchJobId };
      default:
        return assertNever(event);
    }
  },
};

function isActive(status: JobStatus): boolean {
  return (ACTIVE_JOB_STATUSES as readonly string[]).includes(status);
}

function isFinished(status: JobStatus): boolean {
  return (FINISHED_JOB_STATUSES as readonly string[]).includes(status);
}

/** Duration of the last attempt, as the decider measures a success; a clock skew never makes it negative. */
function finish(doc: JobDoc, status: FinishedJobStatus, at: string): JobDoc {
  const durationSeconds = doc.claimedAt === null ? null : Math.max(0, Date.parse(at) - Date.parse(doc.claimedAt)) / 1000;
  return { ...doc, status, finishedAt: at, durationSeconds, updatedAt: at };
}
