import { assertNever, FINISHED_RUN_STATUSES, RUN_EVENT_TYPES, type RunEvent, type RunStatus, runStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import type { Projection } from '../projections/projection.js';
import type { RunDoc } from './run.doc.js';

const RUN_STREAM_PREFIX = runStream('');

/** Where a run's streamed execution log is kept, relative to the outputs root. */
export function runLogPath(runId: string): string {
  return `run_${runId}/execution.log`;
}

export const runsProjection: Projection<RunDoc> = {
  name: 'runs',
  collection: 'runs',
  filter: { streamPrefixes: [RUN_STREAM_PREFIX], eventTypes: RUN_EVENT_TYPES },
  // Only MongoDB uses these; the embedded store scans its in-memory copy. They serve the catalog's
  // keyset sorts, the runs of a prompt, and the upscales of a run.
  indexes: [
    { keys: { requestedAt: -1, id: -1 } },
    { keys: { rating: -1, requestedAt: -1, id: -1 } },
    { keys: { promptId: 1, requestedAt: -1 } },
    { keys: { sourceRunId: 1 } },
  ],
  documentIds: (event) => (event.streamId.startsWith(RUN_STREAM_PREFIX) ? [event.streamId.slice(RUN_STREAM_PREFIX.length)] : []),

  evolve(doc, recorded: RecordedEvent) {
    const event = recorded as unknown as RunEvent;
    if (event.type === 'RunRequested') {
      const { runId, promptId, jobId, kind, modelType, config, sourceRunId, sourceVideo, requestedAt, requestedBy } = event.data;
      return {
        id: runId,
        promptId,
        jobId,
        kind,
        modelType,
        status: 'pending',
        config,
        sourceRunId,
        sourceVideo,
        requestedAt,
        requestedBy,
        startedAt: null,
        node: null,
        simulated: false,
        statusChangedAt: requestedAt,
        finishedAt: null,
        durationSeconds: null,
        outputs: [],
        outputsDeleted: false,
        deletedOutputPaths: [],
        enhancedText: null,
        failure: null,
        cancellation: null,
        rating: null,
        logPath: runLogPath(runId),
      };
    }
    // Every other event changes a run that exists; the decider never emits one for a missing run.
    if (doc === null) return null;
    switch (event.type) {
      case 'RunStatusChanged': {
        // Progress reports only move an active run forward, as in the decider's fold.
        if (isFinished(doc.status)) return doc;
        const { status, node, at } = event.data;
        return { ...doc, status, node, simulated: event.data.simulated === true, statusChangedAt: at, startedAt: doc.startedAt ?? at };
      }
      case 'RunCompleted': {
        const { outputs, completedAt, enhancedText } = event.data;
        return { ...finish(doc, 'completed', completedAt), outputs, enhancedText };
      }
      case 'RunFailed': {
        const { reason, message, exitCode, failedAt } = event.data;
        return { ...finish(doc, 'failed', failedAt), failure: { reason, message, exitCode } };
      }
      case 'RunCancelled': {
        const { reason, cancelledAt, cancelledBy } = event.data;
        return { ...finish(doc, 'cancelled', cancelledAt), cancellation: { reason, by: cancelledBy } };
      }
      case 'RunRated':
        return { ...doc, rating: event.data.rating };
      case 'RunOutputsDeleted': {
        const deleted = [...new Set([...doc.deletedOutputPaths, ...event.data.paths])];
        const gone = new Set(deleted);
        // The list stays, so users still see what the run produced; `outputsDeleted` says none is on disk.
        const outputsDeleted = doc.outputs.length > 0 && doc.outputs.every((output) => gone.has(output.path));
        return { ...doc, deletedOutputPaths: deleted, outputsDeleted };
      }
      case 'RunMovedToBatch':
        // Only the job that will execute it changes; as in the decider's fold, a finished run keeps the job that ran it.
        if (isFinished(doc.status) || doc.jobId === event.data.batchJobId) return doc;
        return { ...doc, jobId: event.data.batchJobId };
      case 'RunDeleted':
        return null;
      default:
        return assertNever(event);
    }
  },
};

function isFinished(status: RunStatus): boolean {
  return (FINISHED_RUN_STATUSES as readonly string[]).includes(status);
}

function finish(doc: RunDoc, status: RunStatus, at: string): RunDoc {
  const durationSeconds = doc.startedAt === null ? null : (Date.parse(at) - Date.parse(doc.startedAt)) / 1000;
  return { ...doc, status, statusChangedAt: at, finishedAt: at, durationSeconds };
}

