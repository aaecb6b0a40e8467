import { jobQueuedData, queuedPromptOf } from '../../../testing/src/index.js';
import { jobWorkOf, runRequestsOf } from './job-work.js';
import type { JobQueued, QueuedPrompt } from './job.events.js';

const at = '2026-12-04T10:00:00.000Z';
const prompt = (text: string): QueuedPrompt => ({ ...queuedPromptOf('ps_1'), text, name: text });

const batch = jobQueuedData({
  jobId: 'job_00000000000000b1',
  kind: 'batch_inference',
  runIds: ['rs_1', 'rs_2', 'rs_3'],
  promptIds: ['ps_1', 'ps_2', 'ps_1'],
  config: { runs: [{ seed: 1 }, { seed: 2 }, { seed: 3 }] },
  prompts: { ps_1: prompt('a harbour'), ps_2: prompt('a city') },
  queuedAt: at,
});
const upscale: JobQueued['data'] = {
  ...batch,
  jobId: 'job_00000000000000u1',
  kind: 'upscale',
  runIds: ['rs_9'],
  promptIds: ['ps_1'],
  config: { controlWeight: 0.5 },
  prompts: { ps_1: prompt('a harbour') },
  upscale: { sourceRunId: 'rs_1', sourceVideo: null, video: { root: 'outputs', path: 'rs_1/output.mp4' } },
};

describe('jobWorkOf', () => {
  it('given a v3 batch, answers each run in order with its own config and its prompt as queued', () => {
    const work = jobWorkOf(batch)!;
    expect(work.runs.map((run) => [run.runId, run.prompt.id, run.prompt.text, run.config])).toEqual([
      ['rs_1', 'ps_1', 'a harbour', { seed: 1 }],
      ['rs_2', 'ps_2', 'a city', { seed: 2 }],
      ['rs_3', 'ps_1', 'a harbour', { seed: 3 }],
    ]);
    expect(work.runs.every((run) => run.kind === 'inference' && run.modelType === 'transfer')).toBe(true);
  });

  it('given an upscale, carries its resolved source', () => {
    expect(jobWorkOf(upscale)).toMatchObject({ kind: 'upscale', upscale: { video: { root: 'outputs', path: 'rs_1/output.mp4' } }, runs: [{ runId: 'rs_9', kind: 'upscale', modelType: 'upscale' }] });
  });

  it('given an event written before v3 (or a prompt missing from it), answers null: the catalog must be read', () => {
    expect(jobWorkOf({ ...batch, prompts: null, promptTexts: null })).toBeNull();
    expect(jobWorkOf({ ...batch, prompts: { ps_1: prompt('a harbour') } })).toBeNull();
    expect(jobWorkOf({ ...upscale, upscale: null })).toBeNull();
  });
});

describe('runRequestsOf', () => {
  it('requests every run with the command id the API and a worker share', () => {
    const requests = runRequestsOf(upscale, { now: at, actor: 'ana' })!;
    expect(requests).toEqual([
      {
        commandId: 'job_00000000000000u1:run:rs_9',
        command: {
          type: 'RequestRun',
          runId: 'rs_9',
          promptId: 'ps_1',
          jobId: 'job_00000000000000u1',
          kind: 'upscale',
          modelType: 'upscale',
          config: { controlWeight: 0.5 },
          sourceRunId: 'rs_1',
          sourceVideo: null,
          now: at,
          actor: 'ana',
        },
      },
    ]);
    expect(runRequestsOf(batch, { now: at, actor: 'ana' })!.map((request) => [request.command.runId, request.command.config])).toEqual([
      ['rs_1', { seed: 1 }],
      ['rs_2', { seed: 2 }],
      ['rs_3', { seed: 3 }],
    ]);
  });

  it('requests nothing for a merged batch, whose runs smart batching moved, and cannot for a pre-v3 upscale', () => {
    expect(runRequestsOf({ ...batch, mergedFrom: ['job_00000000000000a1'] }, { now: at, actor: 'ana' })).toEqual([]);
    expect(runRequestsOf({ ...upscale, upscale: null }, { now: at, actor: 'ana' })).toBeNull();
  });
});
