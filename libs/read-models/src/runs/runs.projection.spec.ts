import { type RunMovedToBatch, runStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import { History, minutesAfter, promptIdOf, runIdOf, videoOutput } from '../../../testing/src/index.js';
import type { ProjectedFields } from '../projections/projection.js';
import type { RunDoc } from './run.doc.js';
import { runsProjection } from './runs.projection.js';

type Stored = RunDoc & ProjectedFields;

/** The catalog history, plus smart batching's move of a run into a batch job. */
class BatchingHistory extends History {
  runMovedToBatch(runId: string, batchJobId: string, fromJobId: string, at: string): RecordedEvent {
    const data: RunMovedToBatch['data'] = { batchJobId, fromJobId, by: 'ana', at };
    return this.record(runStream(runId), 'RunMovedToBatch', data, at, 'ana');
  }
}

/** Folds like the runner: each change is stamped with the event's position. */
function fold(events: readonly RecordedEvent[]): Stored | null {
  return events.reduce<Stored | null>((doc, event) => {
    const next = runsProjection.evolve(doc, event);
    return next === null ? null : { ...next, _position: event.position, _revision: (doc?._revision ?? 0) + 1 };
  }, null);
}

describe('runs projection', () => {
  const runId = runIdOf(1);
  const promptId = promptIdOf(1);
  const requestedAt = '2026-11-28T10:00:00.000Z';

  function requested(kind: 'inference' | 'upscale' | 'enhance' = 'inference'): History {
    const history = new History();
    history.runRequested({ id: runId, promptId, requestedAt, kind, sourceRunId: kind === 'upscale' ? runIdOf(9) : null, actor: 'ben' });
    return history;
  }

  it('creates a pending run from RunRequested, with its log path and requester', () => {
    expect(fold(requested('upscale').events)).toEqual({
      id: runId,
      promptId,
      jobId: `job_${runId.slice(-16)}`,
      kind: 'upscale',
      modelType: 'upscale',
      status: 'pending',
      config: { control_weight: 0.5 },
      sourceRunId: runIdOf(9),
      sourceVideo: null,
      requestedAt,
      requestedBy: 'ben',
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
      logPath: `run_${runId}/execution.log`,
      _position: 1,
      _revision: 1,
    });
  });

  it('starts the clock on the first status change and follows the node on later ones', () => {
    const history = requested();
    history.runStatusChanged(runId, 'uploading', minutesAfter(requestedAt, 1), 'gpu-1');
    history.runStatusChanged(runId, 'running', minutesAfter(requestedAt, 2), 'gpu-2');

    expect(fold(history.events)).toMatchObject({
      status: 'running',
      node: 'gpu-2',
      startedAt: minutesAfter(requestedAt, 1),
      statusChangedAt: minutesAfter(requestedAt, 2),
      finishedAt: null,
    });
  });

  it('records a completion with its outputs, enhanced text and duration from the start', () => {
    const history = requested('enhance');
    history.runStatusChanged(runId, 'running', minutesAfter(requestedAt, 1));
    history.runCompleted(runId, '2026-11-28T10:03:30.500Z', [], 'A misty forest');

    expect(fold(history.events)).toMatchObject({
      status: 'completed',
      finishedAt: '2026-11-28T10:03:30.500Z',
      statusChangedAt: '2026-11-28T10:03:30.500Z',
      durationSeconds: 150.5,
      outputs: [],
      enhancedText: 'A misty forest',
    });
  });

  it('records a failure; a run that never started has no duration', () => {
    const history = requested();
    history.runFailed(runId, minutesAfter(requestedAt, 1), 'SSH_FAILURE', 'connection refused');

    expect(fold(history.events)).toMatchObject({
      status: 'failed',
      startedAt: null,
      durationSeconds: null,
      finishedAt: minutesAfter(requestedAt, 1),
      failure: { reason: 'SSH_FAILURE', message: 'connection refused', exitCode: 1 },
      cancellation: null,
    });
  });

  it('records who cancelled a run and why', () => {
    const history = requested();
    history.runStatusChanged(runId, 'uploading', minutesAfter(requestedAt, 1));
    history.runCancelled(runId, minutesAfter(requestedAt, 3), 'cli:carl');

    expect(fold(history.events)).toMatchObject({
      status: 'cancelled',
      durationSeconds: 120,
      cancellation: { reason: 'no longer needed', by: 'cli:carl' },
      failure: null,
    });
  });

  it('rates and clears the rating', () => {
    const history = new History();
    history.completedRun({ id: runId, promptId, requestedAt });
    history.runRated(runId, 4, minutesAfter(requestedAt, 20));
    expect(fold(history.events)?.rating).toBe(4);

    history.runRated(runId, null, minutesAfter(requestedAt, 21));
    expect(fold(history.events)?.rating).toBeNull();
  });

  it('marks outputs deleted only once every output file is gone, and keeps listing them', () => {
    const history = requested();
    history.runStatusChanged(runId, 'running', minutesAfter(requestedAt, 1));
    const outputs = [videoOutput(runId), videoOutput(runId, 'output_upscaled.mp4')];
    history.runCompleted(runId, minutesAfter(requestedAt, 5), outputs);
    history.runOutputsDeleted(runId, [outputs[0].path], minutesAfter(requestedAt, 30));
    expect(fold(history.events)).toMatchObject({ outputsDeleted: false, deletedOutputPaths: [outputs[0].path], outputs });

    history.runOutputsDeleted(runId, [outputs[1].path, outputs[0].path], minutesAfter(requestedAt, 31));
    expect(fold(history.events)).toMatchObject({ outputsDeleted: true, deletedOutputPaths: [outputs[0].path, outputs[1].path], outputs });
  });

  it('ignores a progress report for a finished run (returns the document itself)', () => {
    const history = new History();
    history.completedRun({ id: runId, promptId, requestedAt });
    const doc = fold(history.events)!;
    const late = history.runStatusChanged(runId, 'downloading', minutesAfter(requestedAt, 30));

    expect(runsProjection.evolve(doc, late)).toBe(doc);
  });

  it('moves a pending run to its batch job, changing nothing else', () => {
    const history = new BatchingHistory();
    history.runRequested({ id: runId, promptId, requestedAt });
    const pending = fold(history.events)!;
    const move = history.runMovedToBatch(runId, 'job_batch', pending.jobId, minutesAfter(requestedAt, 2));

    const moved = runsProjection.evolve(pending, move);
    expect(moved).toEqual({ ...pending, jobId: 'job_batch' });
    const stored = { ...moved!, _position: move.position, _revision: 2 };
    expect(runsProjection.evolve(stored, move)).toBe(stored);
  });

  it('keeps a finished run under the job that ran it', () => {
    const history = new BatchingHistory();
    history.completedRun({ id: runId, promptId, requestedAt });
    const done = fold(history.events)!;
    expect(runsProjection.evolve(done, history.runMovedToBatch(runId, 'job_batch', done.jobId, minutesAfter(requestedAt, 30)))).toBe(done);
  });

  it('removes a deleted run and leaves a missing run missing', () => {
    const history = new History();
    history.completedRun({ id: runId, promptId, requestedAt });
    const deleted = history.runDeleted(runId, minutesAfter(requestedAt, 30));

    expect(fold(history.events)).toBeNull();
    expect(runsProjection.evolve(null, deleted)).toBeNull();
    expect(runsProjection.evolve(null, new History().runRated(runId, 5, requestedAt))).toBeNull();
  });

  it('touches only the document named by a run stream', () => {
    const [event] = requested().events;

    expect(runsProjection.documentIds(event)).toEqual([runId]);
    expect(runsProjection.documentIds({ ...event, streamId: `prompt-${promptId}` })).toEqual([]);
    expect(runsProjection.filter.streamPrefixes).toEqual(['run-']);
  });
});
