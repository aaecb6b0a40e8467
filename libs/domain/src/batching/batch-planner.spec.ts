import { buildBatchSpec } from '../cosmos/batch-inference.builder.js';
import { type ControlWeights, DEFAULT_INFERENCE_CONFIG, type InferenceConfig } from '../cosmos/inference-config.js';
import type { JobKind } from '../job/job.events.js';
import type { VideoFacts } from '../prompt/prompt.events.js';
import { InvalidInput } from '../shared/domain-error.js';
import {
  type BatchCandidate,
  type BatchCandidateRun,
  batchingOptionProblems,
  type BatchPlan,
  DEFAULT_MAX_RUNS_PER_BATCH,
  planBatches,
} from './batch-planner.js';

const at = (minute: number): string => `2026-11-28T12:${String(minute).padStart(2, '0')}:00.000Z`;
const weights = (on: Partial<ControlWeights>): ControlWeights => ({ vis: 0, edge: 0, depth: 0, seg: 0, ...on });
const run = (runId: string, overrides: Partial<InferenceConfig> = {}, negativePrompt = 'low quality'): BatchCandidateRun => ({
  runId,
  promptId: `prompt_${runId}`,
  config: { ...DEFAULT_INFERENCE_CONFIG, ...overrides },
  negativePrompt,
});
const job = (jobId: string, runs: BatchCandidateRun[], extra: Partial<BatchCandidate> = {}): BatchCandidate => ({
  jobId,
  kind: 'inference',
  priority: 50,
  numGpus: 1,
  queuedAt: at(0),
  cancelRequested: false,
  runs,
  ...extra,
});
/** A job of `count` default runs. */
const sized = (jobId: string, count: number): BatchCandidate => job(jobId, Array.from({ length: count }, (_, i) => run(`${jobId}_r${i}`)));

const strict = { mode: 'strict', maxRunsPerBatch: DEFAULT_MAX_RUNS_PER_BATCH } as const;
const mixed = { mode: 'mixed', maxRunsPerBatch: DEFAULT_MAX_RUNS_PER_BATCH } as const;
const sourcesOf = (plan: BatchPlan): (readonly string[])[] => plan.batches.map((batch) => batch.sourceJobIds);

describe('planBatches', () => {
  it('merges two compatible jobs into one batch that keeps the first job’s place', () => {
    const visOnly = run('rs_a', { weights: weights({ vis: 0.4 }) });
    const depthAndSeg = run('rs_b', { weights: weights({ depth: 0.3, seg: 0.6 }) });
    const candidates = [job('job_a', [visOnly], { priority: 70, queuedAt: at(1) }), job('job_b', [depthAndSeg], { priority: 70, queuedAt: at(9) })];

    expect(planBatches(candidates, mixed)).toEqual({
      mode: 'mixed',
      maxRunsPerBatch: DEFAULT_MAX_RUNS_PER_BATCH,
      batches: [
        {
          sourceJobIds: ['job_a', 'job_b'],
          runIds: ['rs_a', 'rs_b'],
          promptIds: ['prompt_rs_a', 'prompt_rs_b'],
          configs: [visOnly.config, depthAndSeg.config],
          controls: ['vis', 'depth', 'seg'],
          priority: 70,
          queuedAt: at(1),
        },
      ],
      jobsMerged: 2,
      runsBatched: 2,
      containersSaved: 1,
    });
  });

  // One batch is one invocation with one value of each plain arg.
  it.each<Partial<InferenceConfig>>([
    { numSteps: 36 },
    { guidance: 6 },
    { sigmaMax: 80 },
    { seed: 2 },
    { fps: 30 },
    { blurStrength: 'high' },
    { cannyThreshold: 'low' },
  ])('never merges jobs that differ in %o', (difference) => {
    const candidates = [job('job_a', [run('rs_a')]), job('job_b', [run('rs_b', difference)]), job('job_c', [run('rs_c')])];
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([['job_a', 'job_c']]);
  });

  it('never merges jobs that differ in the negative prompt, which the batch’s base spec holds once', () => {
    const candidates = [job('job_a', [run('rs_a', {}, 'blurry')]), job('job_b', [run('rs_b', {}, 'noisy')]), job('job_c', [run('rs_c', {}, 'blurry')])];
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([['job_a', 'job_c']]);
  });

  it('never merges jobs that ask for different GPU counts: the batch asks for one', () => {
    const candidates = [sized('job_four', 1), sized('job_a', 1), sized('job_b', 1)].map((candidate, index) => ({ ...candidate, numGpus: index === 0 ? 4 : 1 }));
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([['job_a', 'job_b']]);
  });

  it('never merges jobs of different priorities', () => {
    const candidates = [sized('job_urgent', 1), sized('job_a', 1), sized('job_b', 1)].map((candidate, index) => ({
      ...candidate,
      priority: index === 0 ? 90 : 50,
    }));
    const plan = planBatches(candidates, strict);
    expect(sourcesOf(plan)).toEqual([['job_a', 'job_b']]);
    expect(plan.batches[0]!.priority).toBe(50);
  });

  describe('control sets', () => {
    const visEdge = weights({ vis: 0.5, edge: 0.5 });
    const depth = weights({ depth: 0.8 });
    const candidates = [
      job('job_a', [run('rs_a', { weights: visEdge })]),
      job('job_b', [run('rs_b', { weights: depth })]),
      job('job_c', [run('rs_c', { weights: visEdge })]),
      job('job_d', [run('rs_d', { weights: depth })]),
    ];

    it('strict merges only jobs with the same set', () => {
      const plan = planBatches(candidates, strict);
      expect(sourcesOf(plan)).toEqual([
        ['job_a', 'job_c'],
        ['job_b', 'job_d'],
      ]);
      expect(plan.batches.map((batch) => batch.controls)).toEqual([['vis', 'edge'], ['depth']]);
    });

    it('mixed merges them all and runs the union', () => {
      const plan = planBatches(candidates, mixed);
      expect(sourcesOf(plan)).toEqual([['job_a', 'job_b', 'job_c', 'job_d']]);
      expect(plan.batches[0]!.controls).toEqual(['vis', 'edge', 'depth']);
    });

    it('strict leaves a job whose own runs differ in controls alone; mixed takes it', () => {
      const uneven = job('job_uneven', [run('rs_1', { weights: visEdge }), run('rs_2', { weights: depth })]);
      const [a, , c] = candidates;
      expect(sourcesOf(planBatches([uneven, a!, c!], strict))).toEqual([['job_a', 'job_c']]);
      expect(sourcesOf(planBatches([uneven, a!, c!], mixed))).toEqual([['job_uneven', 'job_a', 'job_c']]);
    });
  });

  it('keeps each run’s own weights, parallel to its run id', () => {
    const runs = [run('rs_1', { weights: weights({ vis: 0.1 }) }), run('rs_2', { weights: weights({ vis: 0.2, seg: 0.9 }) }), run('rs_3', { weights: weights({ edge: 1 }) })];
    const batch = planBatches([job('job_a', runs.slice(0, 2)), job('job_b', runs.slice(2))], mixed).batches[0]!;
    expect(batch.runIds).toEqual(['rs_1', 'rs_2', 'rs_3']);
    expect(batch.configs.map((config) => config.weights)).toEqual(runs.map((r) => r.config.weights));
  });

  it('packs whole jobs in order up to the run limit', () => {
    const candidates = [sized('job_a', 2), sized('job_b', 1), sized('job_c', 2), sized('job_d', 1)];
    const plan = planBatches(candidates, { mode: 'strict', maxRunsPerBatch: 3 });
    expect(sourcesOf(plan)).toEqual([
      ['job_a', 'job_b'],
      ['job_c', 'job_d'],
    ]);
    expect(plan.batches[1]!.runIds).toEqual(['job_c_r0', 'job_c_r1', 'job_d_r0']);
  });

  it('leaves a job larger than the limit alone, and packs the jobs around it', () => {
    const candidates = [sized('job_a', 1), sized('job_big', 3), sized('job_b', 1)];
    expect(sourcesOf(planBatches(candidates, { mode: 'strict', maxRunsPerBatch: 2 }))).toEqual([['job_a', 'job_b']]);
  });

  it('proposes no batch of a single job', () => {
    // Each job fills a batch by itself; job_c has no compatible partner.
    const candidates = [sized('job_a', 2), sized('job_b', 2), job('job_c', [run('rs_c', { seed: 7 })])];
    expect(planBatches(candidates, { mode: 'strict', maxRunsPerBatch: 2 })).toMatchObject({ batches: [], jobsMerged: 0, containersSaved: 0 });
  });

  it('merges batch_inference jobs, never other kinds, cancelled jobs or jobs without runs', () => {
    const ofKind = (jobId: string, kind: JobKind) => ({ ...sized(jobId, 1), kind });
    const candidates = [
      ofKind('job_a', 'inference'),
      ofKind('job_up', 'upscale'),
      ofKind('job_en', 'enhance'),
      { ...sized('job_cancel', 1), cancelRequested: true },
      job('job_empty', []),
      ofKind('job_b', 'batch_inference'),
    ];
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([['job_a', 'job_b']]);
  });

  it('leaves alone a job whose own runs could not share one invocation', () => {
    const candidates = [job('job_split', [run('rs_1'), run('rs_2', { seed: 9 })]), sized('job_a', 1), sized('job_b', 1)];
    expect(sourcesOf(planBatches(candidates, mixed))).toEqual([['job_a', 'job_b']]);
  });

  it('leaves alone jobs the batch builder would refuse: a config that no longer resolves, a run in two jobs', () => {
    const invalid = job('job_invalid', [run('rs_x', { guidance: 0 })]);
    const twice = [job('job_one', [run('rs_shared')]), job('job_two', [run('rs_shared')])];
    const candidates = [sized('job_a', 1), invalid, ...twice, job('job_invalid_twin', [run('rs_y', { guidance: 0 })]), sized('job_b', 1)];
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([['job_a', 'job_b']]);
  });

  it('keeps queue order across interleaved groups: groups by their first job, jobs as given', () => {
    const seeded = (jobId: string, seed: number) => job(jobId, [run(`${jobId}_r`, { seed })]);
    const candidates = [seeded('job_1', 1), seeded('job_2', 2), seeded('job_3', 1), seeded('job_4', 2), seeded('job_5', 1)];
    expect(sourcesOf(planBatches(candidates, strict))).toEqual([
      ['job_1', 'job_3', 'job_5'],
      ['job_2', 'job_4'],
    ]);
  });

  it('counts merged jobs, batched runs and containers saved', () => {
    const seeded = (jobId: string, seed: number, count: number) =>
      job(
        jobId,
        Array.from({ length: count }, (_, i) => run(`${jobId}_r${i}`, { seed })),
      );
    const candidates = [seeded('job_1', 1, 2), seeded('job_2', 2, 1), seeded('job_3', 1, 3), seeded('job_4', 2, 1), seeded('job_5', 1, 1), seeded('job_6', 3, 1)];
    expect(planBatches(candidates, strict)).toMatchObject({ jobsMerged: 5, runsBatched: 8, containersSaved: 3 });
  });

  it('proposes only batches the batch builder accepts', () => {
    const video = (path: string): VideoFacts => ({ path, frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 121 / 24, codec: 'h264', sizeBytes: 1 });
    const candidates = [
      job('job_a', [run('rs_a1', { weights: weights({ vis: 0.3 }) }), run('rs_a2', { weights: weights({ depth: 0.5, seg: 0.5 }) })]),
      job('job_b', [run('rs_b', { weights: weights({ edge: 0.9 }), seed: 4 })]),
      job('job_c', [run('rs_c', { weights: weights({ seg: 0.2 }) })]),
    ];
    const [batch] = planBatches(candidates, mixed).batches;
    expect(batch!.sourceJobIds).toEqual(['job_a', 'job_c']);
    const runs = batch!.runIds.map((runId, index) => ({
      runId,
      prompt: { text: `prompt ${runId}`, negativePrompt: 'low quality', inputs: { videoDir: runId, color: video(`${runId}/color.mp4`), depth: video(`${runId}/depth.mp4`), segmentation: null } },
      config: batch!.configs[index]!,
    }));
    expect(buildBatchSpec({ jobId: 'job_batch', runs }).lines).toHaveLength(3);
  });

  it('is deterministic and leaves its input untouched', () => {
    const candidates = [job('job_a', [run('rs_a', { weights: weights({ vis: 1 }) })], { queuedAt: at(2) }), sized('job_b', 2), sized('job_c', 1)];
    const before = structuredClone(candidates);
    const plan = planBatches(candidates, mixed);
    expect(candidates).toEqual(before);
    expect(planBatches(before, mixed)).toEqual(plan);
  });

  it('refuses bad options rather than guess a limit', () => {
    expect(() => planBatches([], { mode: 'strict', maxRunsPerBatch: Number.NaN })).toThrow(InvalidInput);
  });
});

describe('batchingOptionProblems', () => {
  it('accepts both modes and limits from 2 to 64', () => {
    expect(batchingOptionProblems({ mode: 'strict', maxRunsPerBatch: 2 })).toEqual([]);
    expect(batchingOptionProblems({ mode: 'mixed', maxRunsPerBatch: 64 })).toEqual([]);
  });

  it.each([1, 65, 2.5, Number.NaN])('refuses a limit of %p', (maxRunsPerBatch) => {
    expect(batchingOptionProblems({ mode: 'strict', maxRunsPerBatch })).toEqual([
      { field: 'input.maxRunsPerBatch', problem: expect.stringMatching(/^must be a whole number from 2 to 64/) },
    ]);
  });

  it('refuses an unknown mode, and reports every problem at once', () => {
    expect(batchingOptionProblems({ mode: 'greedy', maxRunsPerBatch: 0 })).toEqual([
      { field: 'input.mode', problem: 'must be one of strict, mixed (got "greedy")' },
      { field: 'input.maxRunsPerBatch', problem: expect.stringContaining('(got 0)') },
    ]);
  });
});
