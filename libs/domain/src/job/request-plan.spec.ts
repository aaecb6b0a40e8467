import type { JobQueued, QueuedPrompt } from './job.events.js';
import { afterQueued, type JobRequest, queueJobStep, reserveKeyStep } from './request-plan.js';

const now = '2026-12-04T10:00:00.000Z';
const video = { path: 'harbour/color.mp4', frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 5.04, codec: 'h264', sizeBytes: 1 };
const harbour: QueuedPrompt = { text: 'a harbour', negativePrompt: '', name: 'harbour', modelType: 'transfer', inputs: { videoDir: 'harbour', color: video, depth: null, segmentation: null } };
const request: JobRequest = {
  jobId: 'job_00000000000000b1',
  kind: 'batch_inference',
  runs: [
    { promptId: 'ps_1', config: { seed: 1 } },
    { promptId: 'ps_2', config: { seed: 2 } },
  ],
  prompts: { ps_1: harbour, ps_2: { ...harbour, text: 'a city' } },
  upscale: null,
  priority: 50,
  idempotencyKey: 'nightly-1',
  retryOf: null,
  now,
  actor: 'ana',
};
const answeredBy = (queued: ReturnType<typeof queueJobStep>['command']): JobQueued['data'] => {
  const { type: _type, now: _now, actor, merged: _merged, ...data } = queued;
  return { ...data, runIds: [...data.runIds], promptIds: [...data.promptIds], config: { ...data.config }, prompts: { ...data.prompts }, queuedAt: now, queuedBy: actor };
};

describe('requesting a job', () => {
  it('given a key, reserves it under an id that depends on the key alone', () => {
    expect(reserveKeyStep('nightly-1', request.jobId, now)).toEqual({ commandId: 'idempotency:nightly-1', command: { type: 'ReserveIdempotencyKey', key: 'nightly-1', jobId: request.jobId, now } });
  });

  it('queues the job under an id derived from it, a batch holding one config per run', () => {
    const { commandId, command } = queueJobStep(request, ['rs_a', 'rs_b']);
    expect(commandId).toBe('job_00000000000000b1:queue');
    expect(command).toMatchObject({ type: 'QueueJob', runIds: ['rs_a', 'rs_b'], promptIds: ['ps_1', 'ps_2'], config: { runs: [{ seed: 1 }, { seed: 2 }] } });
    expect(queueJobStep({ ...request, kind: 'inference', runs: [request.runs[0]!] }, ['rs_a']).command.config).toEqual({ seed: 1 });
  });

  it('when its own JobQueued answers, requests each run in order with the ids a worker would use', () => {
    const { command } = queueJobStep(request, ['rs_a', 'rs_b']);
    const next = afterQueued(answeredBy(command), command);
    expect(next.kind === 'request_runs' && next.runs.map((run) => [run.commandId, run.command.promptId, run.command.config])).toEqual([
      ['job_00000000000000b1:run:rs_a', 'ps_1', { seed: 1 }],
      ['job_00000000000000b1:run:rs_b', 'ps_2', { seed: 2 }],
    ]);
  });

  it('when a repeat gets the first request\'s JobQueued, requests that one\'s runs', () => {
    const first = queueJobStep(request, ['rs_a', 'rs_b']).command;
    const again = queueJobStep(request, ['rs_x', 'rs_y']).command;
    const next = afterQueued(answeredBy(first), again);
    expect(next.kind === 'request_runs' && next.runs.map((run) => run.command.runId)).toEqual(['rs_a', 'rs_b']);
  });

  it('when the key first named a different request, refuses with what differs', () => {
    const first = queueJobStep(request, ['rs_a', 'rs_b']).command;
    const other = queueJobStep({ ...request, priority: 90, runs: [request.runs[0]!, { promptId: 'ps_2', config: { seed: 3 } }] }, ['rs_x', 'rs_y']).command;
    expect(afterQueued(answeredBy(first), other)).toEqual({ kind: 'key_reused', differences: ['config', 'priority'] });
  });
});
