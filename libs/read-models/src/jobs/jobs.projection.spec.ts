import { jobStream } from '../../../domain/src/index.js';
import type { RecordedEvent } from '../../../eventstore/src/index.js';
import { JobHistory, jobIdOf, minutesAfter, promptIdOf, queuedPromptOf, runIdOf } from '../../../testing/src/index.js';
import type { ProjectedFields } from '../projections/projection.js';
import type { JobDoc } from './job.doc.js';
import { jobsProjection } from './jobs.projection.js';

type Stored = JobDoc & ProjectedFields;

/** Folds like the runner: each change is stamped with the event's position, "no change" leaves the stamp. */
function fold(events: readonly RecordedEvent[]): Stored | null {
  return events.reduce<Stored | null>((doc, event) => {
    const next = jobsProjection.evolve(doc, event);
    if (next === doc) return doc;
    return next === null ? null : { ...next, _position: event.position, _revision: (doc?._revision ?? 0) + 1 };
  }, null);
}

describe('jobs projection', () => {
  const jobId = jobIdOf(1);
  const t0 = '2026-11-28T10:00:00.000Z';
  const at = (minutes: number) => minutesAfter(t0, minutes);

  function queued(kind: 'inference' | 'upscale' = 'inference'): JobHistory {
    const history = new JobHistory();
    history.queued({ id: jobId, queuedAt: t0, kind, priority: 60, idempotencyKey: 'key-1', retryOf: jobIdOf(9), actor: 'ben' });
    return history;
  }

  /** Queued, claimed on gpu-1 at minute 1. */
  function claimed(): JobHistory {
    const history = queued();
    history.claimed(jobId, at(1), 'gpu-1');
    return history;
  }

  it('creates a queued job from JobQueued, with everything it was queued with', () => {
    expect(fold(queued('upscale').events)).toEqual({
      id: jobId,
      kind: 'upscale',
      status: 'queued',
      runIds: [runIdOf(10)],
      promptIds: [promptIdOf(10)],
      config: { num_steps: 35, guidance: 5, seed: 1 },
      priority: 60,
      numGpus: null,
      idempotencyKey: 'key-1',
      retryOf: jobIdOf(9),
      retriedAs: null,
      mergedInto: null,
      mergedFrom: [],
      prompts: { [promptIdOf(10)]: queuedPromptOf(promptIdOf(10)) },
      queuedAt: t0,
      queuedBy: 'ben',
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
      updatedAt: t0,
      _position: 1,
      _revision: 1,
    });
  });

  it('keeps the GPUs a job asked for and the ones its attempt holds, given back with a release', () => {
    const history = new JobHistory();
    history.queued({ id: jobId, queuedAt: t0, numGpus: 2 });
    history.claimed(jobId, at(1), 'gpu-1', [4, 5]);
    expect(fold(history.events)).toMatchObject({ numGpus: 2, gpus: [4, 5], status: 'claimed' });
    history.released(jobId, at(2));
    expect(fold(history.events)).toMatchObject({ numGpus: 2, gpus: null, status: 'queued' });
  });

  it('changes the priority of a queued job', () => {
    const history = queued();
    history.priorityChanged(jobId, 90, at(1));
    expect(fold(history.events)).toMatchObject({ priority: 90, updatedAt: at(1), status: 'queued' });
  });

  it('records the claim: node, attempt, container and claim time', () => {
    expect(fold(claimed().events)).toMatchObject({
      status: 'claimed',
      attempts: 1,
      node: 'gpu-1',
      containerName: `cosmos_inference_${jobId}_a1`,
      claimedAt: at(1),
      stage: null,
      percent: 0,
      updatedAt: at(1),
    });
  });

  it('takes each reported stage as its status, with its percent', () => {
    const history = claimed();
    history.stageChanged(jobId, 'uploading', 40, at(2));
    expect(fold(history.events)).toMatchObject({ status: 'uploading', stage: 'uploading', percent: 40 });
    history.stageChanged(jobId, 'running', 55, at(3));
    expect(fold(history.events)).toMatchObject({ status: 'running', stage: 'running', percent: 55 });
    history.stageChanged(jobId, 'downloading', 10, at(9));
    expect(fold(history.events)).toMatchObject({ status: 'downloading', stage: 'downloading', percent: 10, updatedAt: at(9), node: 'gpu-1' });
  });

  it('records a success with the duration the decider measured', () => {
    const history = claimed();
    history.stageChanged(jobId, 'running', 0, at(2));
    history.succeeded(jobId, '2026-11-28T10:13:30.000Z');
    expect(fold(history.events)).toMatchObject({
      status: 'succeeded',
      finishedAt: '2026-11-28T10:13:30.000Z',
      durationSeconds: 750,
      stage: 'running',
      node: 'gpu-1',
      failure: null,
      cancellation: null,
    });
  });

  it('records a failure with its reason, message and exit code, timed from the claim', () => {
    const history = claimed();
    history.failed(jobId, at(4), 'OOM_KILLED', 'CUDA out of memory', 137);
    expect(fold(history.events)).toMatchObject({
      status: 'failed',
      finishedAt: at(4),
      durationSeconds: 180,
      failure: { reason: 'OOM_KILLED', message: 'CUDA out of memory', exitCode: 137 },
    });
  });

  it('keeps a cancel request on a running job, and the cancellation once the worker confirms it', () => {
    const history = claimed();
    history.stageChanged(jobId, 'running', 20, at(2));
    history.cancelRequested(jobId, at(3), 'ana', 'wrong seed');
    expect(fold(history.events)).toMatchObject({ status: 'running', cancelRequested: { by: 'ana', reason: 'wrong seed', at: at(3) }, updatedAt: at(3) });

    history.cancelled(jobId, at(4), 'ana', 'wrong seed');
    expect(fold(history.events)).toMatchObject({
      status: 'cancelled',
      finishedAt: at(4),
      durationSeconds: 180,
      cancellation: { by: 'ana', reason: 'wrong seed' },
      cancelRequested: { by: 'ana', reason: 'wrong seed', at: at(3) },
    });
  });

  it('cancels a queued job outright, with no duration', () => {
    const history = queued();
    history.cancelled(jobId, at(2));
    expect(fold(history.events)).toMatchObject({ status: 'cancelled', durationSeconds: null, node: null, cancellation: { by: 'ben', reason: 'no longer needed' } });
  });

  it('puts a released job back in the queue at its old place, keeping its attempts; the next claim is attempt 2', () => {
    const history = claimed();
    history.stageChanged(jobId, 'uploading', 40, at(2));
    history.released(jobId, at(3));
    expect(fold(history.events)).toMatchObject({
      status: 'queued',
      queuedAt: t0,
      attempts: 1,
      node: null,
      containerName: null,
      claimedAt: null,
      stage: null,
      percent: 0,
      updatedAt: at(3),
    });

    history.claimed(jobId, at(4), 'gpu-2');
    expect(fold(history.events)).toMatchObject({ status: 'claimed', attempts: 2, node: 'gpu-2', containerName: `cosmos_inference_${jobId}_a2`, claimedAt: at(4) });
  });

  it('links a failed job to the job that retries it', () => {
    const history = claimed();
    history.failed(jobId, at(2));
    history.retried(jobId, jobIdOf(2), at(5));
    expect(fold(history.events)).toMatchObject({ status: 'failed', retriedAs: jobIdOf(2), finishedAt: at(2), updatedAt: at(5) });
  });

  it('ends a queued job merged into a batch, with no duration, naming the batch', () => {
    const history = queued();
    history.mergedIntoBatch(jobId, jobIdOf(2), at(2));
    const merged = fold(history.events);
    // Neither `queued` nor held by a node: the queue view no longer shows it; the jobs list still does.
    expect(merged).toMatchObject({ status: 'merged', mergedInto: jobIdOf(2), finishedAt: at(2), durationSeconds: null, node: null, updatedAt: at(2) });
    expect(jobsProjection.evolve(merged, history.events[history.events.length - 1])).toBe(merged);
  });

  it('merges a released job like any queued one', () => {
    const history = claimed();
    history.released(jobId, at(2));
    history.mergedIntoBatch(jobId, jobIdOf(2), at(3));
    expect(fold(history.events)).toMatchObject({ status: 'merged', mergedInto: jobIdOf(2), attempts: 1, claimedAt: null, durationSeconds: null });
  });

  it('lists the jobs a merged batch was made from, at the earliest one\'s place in the queue', () => {
    const history = queued();
    history.queued({ id: jobIdOf(3), queuedAt: at(1) });
    history.mergedIntoBatch(jobId, jobIdOf(2), at(2));
    history.mergedIntoBatch(jobIdOf(3), jobIdOf(2), at(2));
    history.batchQueued(jobIdOf(2), [jobId, jobIdOf(3)], at(2));
    const batch = fold(history.events.filter((event) => event.streamId === jobStream(jobIdOf(2))));
    expect(batch).toMatchObject({
      kind: 'batch_inference',
      status: 'queued',
      runIds: [runIdOf(10), runIdOf(30)],
      mergedFrom: [jobId, jobIdOf(3)],
      mergedInto: null,
      queuedAt: t0,
      updatedAt: t0,
    });
  });

  it('ignores what the decider would ignore: progress after the end, a second outcome, priority on a claimed job', () => {
    const history = claimed();
    history.priorityChanged(jobId, 10, at(2));
    history.stageChanged(jobId, 'running', 5, at(2));
    history.succeeded(jobId, at(3));
    const finished = fold(history.events);
    history.stageChanged(jobId, 'downloading', 100, at(4));
    history.failed(jobId, at(4));
    history.cancelRequested(jobId, at(4));
    history.released(jobId, at(4));
    history.mergedIntoBatch(jobId, jobIdOf(2), at(4));
    expect(finished).toMatchObject({ priority: 60, status: 'succeeded' });
    expect(fold(history.events)).toEqual(finished);
    for (const event of history.events.slice(-5)) expect(jobsProjection.evolve(finished, event)).toBe(finished);
  });

  it('never merges a job a node holds', () => {
    const held = fold(claimed().events);
    const history = claimed();
    const merge = history.mergedIntoBatch(jobId, jobIdOf(2), at(2));
    expect(jobsProjection.evolve(held, merge)).toBe(held);
  });

  it('leaves a missing job missing, whatever the event', () => {
    const history = claimed();
    history.succeeded(jobId, at(2));
    for (const event of history.events.slice(1)) expect(jobsProjection.evolve(null, event)).toBeNull();
  });

  it('changes nothing when the same event is handled twice', () => {
    const history = claimed();
    history.stageChanged(jobId, 'running', 5, at(2));
    history.cancelRequested(jobId, at(3));
    history.cancelled(jobId, at(4));
    const once = fold(history.events);
    // The runner skips events at or below the document's position; a replay of the last one is a no-op.
    expect(jobsProjection.evolve(once, history.events[history.events.length - 1])).toBe(once);
    const justQueued = fold(history.events.slice(0, 1));
    expect(jobsProjection.evolve(justQueued, history.events[0])).toBe(justQueued);
  });

  it('takes the job id from the stream and wants only job streams', () => {
    const [event] = queued().events;
    expect(jobsProjection.documentIds(event)).toEqual([jobId]);
    expect(jobsProjection.documentIds({ ...event, streamId: 'run-rs_1' })).toEqual([]);
    expect(jobsProjection.filter.streamPrefixes).toEqual(['job-']);
  });
});
