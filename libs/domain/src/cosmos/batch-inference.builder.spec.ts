import type { PromptInputs, VideoFacts } from '../prompt/prompt.events.js';
import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import { type BatchRunRequest, buildBatchSpec } from './batch-inference.builder.js';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig } from './inference-config.js';

const jobId = 'job_0123456789ab';
const [runA, runB, runC] = ['rs_aaaa', 'rs_bbbb', 'rs_cccc'];
const video = (path: string, overrides: Partial<VideoFacts> = {}): VideoFacts => ({
  path,
  frames: 121,
  fps: 24,
  width: 1280,
  height: 704,
  durationSeconds: 121 / 24,
  codec: 'h264',
  sizeBytes: 4_200_000,
  ...overrides,
});
const inputsOf = (dir: string, controls: { depth?: boolean; segmentation?: boolean } = {}): PromptInputs => ({
  videoDir: dir,
  color: video(`${dir}/color.mp4`),
  depth: controls.depth ? video(`${dir}/depth.mp4`) : null,
  segmentation: controls.segmentation ? video(`${dir}/segmentation.mp4`) : null,
});
const config = (overrides: Partial<InferenceConfig> = {}, weights: Partial<InferenceConfig['weights']> = {}): InferenceConfig => ({
  ...DEFAULT_INFERENCE_CONFIG,
  ...overrides,
  weights: { ...DEFAULT_INFERENCE_CONFIG.weights, ...weights },
});
const run = (runId: string, text: string, inputs: PromptInputs, runConfig = config(), negativePrompt = 'low quality'): BatchRunRequest => ({
  runId,
  prompt: { text, negativePrompt, inputs },
  config: runConfig,
});

const first = run(runA, 'A city at night', inputsOf('city', { depth: true }));
const second = run(runB, 'A forest at dawn', inputsOf('forest', { segmentation: true }), config({}, { vis: 0, edge: 0.7, depth: 0.5, seg: 0 }));

function problemsOf(build: () => unknown): FieldProblem[] {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).details.fields;
  }
  throw new Error('expected InvalidInput');
}

describe('buildBatchSpec', () => {
  it('builds the base spec, JSONL lines, files, uploads, output mapping and argv', () => {
    const launch = buildBatchSpec({ jobId, runs: [first, second] });
    const baseSpec = {
      negative_prompt: 'low quality',
      input_video_path: `runs/${runA}/inputs/color.mp4`,
      num_steps: 35,
      guidance: 5,
      sigma_max: 70,
      seed: 1,
      fps: 24,
      blur_strength: 'medium',
      canny_threshold: 'medium',
      vis: { control_weight: 0 },
      edge: { control_weight: 0 },
      depth: { control_weight: 0 },
      seg: { control_weight: 0 },
    };
    const lines = [
      {
        visual_input: `runs/${runA}/inputs/color.mp4`,
        prompt: 'A city at night',
        control_overrides: {
          vis: { control_weight: 0.25, input_control: null },
          edge: { control_weight: 0.25, input_control: null },
          depth: { control_weight: 0.25, input_control: `runs/${runA}/inputs/depth.mp4` },
          seg: { control_weight: 0.25, input_control: null },
        },
      },
      {
        visual_input: `runs/${runB}/inputs/color.mp4`,
        prompt: 'A forest at dawn',
        control_overrides: {
          vis: { control_weight: 0, input_control: `runs/${runB}/inputs/color.mp4` },
          edge: { control_weight: 0.7, input_control: null },
          depth: { control_weight: 0.5, input_control: null },
          seg: { control_weight: 0, input_control: `runs/${runB}/inputs/color.mp4` },
        },
      },
    ];
    const jsonl = `${JSON.stringify(lines[0])}\n${JSON.stringify(lines[1])}\n`;
    expect(launch).toEqual({
      baseSpec,
      lines,
      jsonl,
      files: [
        { path: `jobs/${jobId}/base_spec.json`, text: `${JSON.stringify(baseSpec, null, 2)}\n` },
        { path: `jobs/${jobId}/batch.jsonl`, text: jsonl },
      ],
      uploads: [
        { from: { root: 'inputs', path: 'city/color.mp4' }, to: `runs/${runA}/inputs/color.mp4` },
        { from: { root: 'inputs', path: 'city/depth.mp4' }, to: `runs/${runA}/inputs/depth.mp4` },
        { from: { root: 'inputs', path: 'forest/color.mp4' }, to: `runs/${runB}/inputs/color.mp4` },
      ],
      outputs: [
        {
          runId: runA,
          line: 0,
          dir: `outputs/${jobId}/video_0`,
          video: `outputs/${jobId}/video_0/output.mp4`,
          promptText: `outputs/${jobId}/video_0/prompt.txt`,
        },
        {
          runId: runB,
          line: 1,
          dir: `outputs/${jobId}/video_1`,
          video: `outputs/${jobId}/video_1/output.mp4`,
          promptText: `outputs/${jobId}/video_1/prompt.txt`,
        },
      ],
      args: [
        'torchrun', '--nproc_per_node', '1', '--nnodes', '1', '--node_rank', '0',
        'cosmos_transfer1/diffusion/inference/transfer.py',
        '--checkpoint_dir', 'checkpoints',
        '--video_save_folder', `outputs/${jobId}`,
        '--controlnet_specs', `jobs/${jobId}/base_spec.json`,
        '--batch_input_path', `jobs/${jobId}/batch.jsonl`,
        '--batch_size', '1',
        '--num_steps', '35',
        '--guidance', '5',
        '--sigma_max', '70',
        '--seed', '1',
        '--fps', '24',
        '--blur_strength', 'medium',
        '--canny_threshold', 'medium',
        '--offload_text_encoder_model', '--offload_guardrail_models',
        '--num_gpus', '1',
      ],
      env: { PYTHONPATH: '/workspace' },
    });
  });

  it('writes JSONL as one object per line, no blank line, a final newline, whatever the prompt holds', () => {
    const tricky = run(runC, 'line one\nline two\r\n\u2028 "quoted" {braces}', inputsOf('tricky'));
    const { jsonl, lines } = buildBatchSpec({ jobId, runs: [first, tricky, second] });
    expect(jsonl.endsWith('\n')).toBe(true);
    const rows = jsonl.slice(0, -1).split('\n');
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.trim() !== '' && !row.includes('\r'))).toBe(true);
    expect(rows.map((row) => JSON.parse(row))).toEqual(lines);
    expect(lines[1]!.prompt).toBe(tricky.prompt.text);
  });

  it('maps line i to video_<i> in run order', () => {
    const { outputs, lines } = buildBatchSpec({ jobId, runs: [second, first, run(runC, 'A desert', inputsOf('desert'))] });
    expect(outputs.map((output) => [output.line, output.runId, output.video])).toEqual([
      [0, runB, `outputs/${jobId}/video_0/output.mp4`],
      [1, runA, `outputs/${jobId}/video_1/output.mp4`],
      [2, runC, `outputs/${jobId}/video_2/output.mp4`],
    ]);
    expect(lines.map((line) => line.visual_input)).toEqual([runB, runA, runC].map((id) => `runs/${id}/inputs/color.mp4`));
  });

  it('carries only the controls some run has on, and every one of them on every line', () => {
    const visOnly = run(runC, 'A desert', inputsOf('desert'), config({}, { vis: 0.6, edge: 0, depth: 0, seg: 0 }));
    const edgeOnly = run(runB, 'A forest', inputsOf('forest'), config({}, { vis: 0, edge: 0.4, depth: 0, seg: 0 }));
    const { baseSpec, lines } = buildBatchSpec({ jobId, runs: [visOnly, edgeOnly] });
    expect(Object.keys(baseSpec).filter((key) => ['vis', 'edge', 'depth', 'seg'].includes(key))).toEqual(['vis', 'edge']);
    expect(lines.map((line) => line.control_overrides)).toEqual([
      { vis: { control_weight: 0.6, input_control: null }, edge: { control_weight: 0, input_control: `runs/${runC}/inputs/color.mp4` } },
      { vis: { control_weight: 0, input_control: `runs/${runB}/inputs/color.mp4` }, edge: { control_weight: 0.4, input_control: null } },
    ]);
  });

  it('sends every InferenceConfig key to the model: settings in the base spec and argv, weights per line', () => {
    const distinct: InferenceConfig = {
      weights: { vis: 0.11, edge: 0.22, depth: 0.33, seg: 0.44 },
      numSteps: 42,
      guidance: 6.5,
      seed: 1234,
      fps: 30,
      sigmaMax: 55.5,
      blurStrength: 'very_low',
      cannyThreshold: 'high',
    };
    const names = { numSteps: 'num_steps', guidance: 'guidance', seed: 'seed', fps: 'fps', sigmaMax: 'sigma_max', blurStrength: 'blur_strength', cannyThreshold: 'canny_threshold' } as const;
    expect(Object.keys(distinct).sort()).toEqual(Object.keys(DEFAULT_INFERENCE_CONFIG).sort());
    expect(Object.keys(names).sort()).toEqual(Object.keys(DEFAULT_INFERENCE_CONFIG).filter((key) => key !== 'weights').sort());

    const negativePrompt = 'cartoonish, low detail';
    const { baseSpec, lines, args } = buildBatchSpec({
      jobId,
      runs: [run(runA, 'A city', inputsOf('city'), distinct, negativePrompt), run(runB, 'A forest', inputsOf('forest'), distinct, negativePrompt)],
    });
    for (const key of Object.keys(names) as (keyof typeof names)[]) {
      expect({ key, spec: baseSpec[names[key]] }).toEqual({ key, spec: distinct[key] });
      expect({ key, arg: args[args.indexOf(`--${names[key]}`) + 1] }).toEqual({ key, arg: String(distinct[key]) });
    }
    expect(baseSpec.negative_prompt).toBe(negativePrompt);
    for (const line of lines) {
      for (const key of ['vis', 'edge', 'depth', 'seg'] as const) {
        expect({ key, weight: line.control_overrides[key]?.control_weight }).toEqual({ key, weight: distinct.weights[key] });
      }
    }
  });

  it('refuses runs whose execution settings differ, naming each parameter', () => {
    const other = run(runB, 'A forest', inputsOf('forest'), config({ guidance: 7, seed: 2 }), 'cartoonish');
    const problems = problemsOf(() => buildBatchSpec({ jobId, runs: [first, other] }));
    expect(problems.map((p) => p.field)).toEqual(['input.runs[1].config.guidance', 'input.runs[1].config.seed', 'input.runs[1].prompt.negativePrompt']);
    expect(problems[0]!.problem).toBe(
      `guidance is 7 but 5 in ${runA}; one batch is one model invocation where guidance applies to every line, so runs that differ in it cannot share a batch`,
    );
    expect(problems[2]!.problem).toMatch(/^the negative prompt is "cartoonish" but "low quality" in rs_aaaa;/);
  });

  it.each([
    ['numSteps', 50],
    ['fps', 30],
    ['sigmaMax', 60],
    ['blurStrength', 'high'],
    ['cannyThreshold', 'low'],
  ] as const)('refuses a batch whose runs differ in %s', (key, value) => {
    const other = run(runB, 'A forest', inputsOf('forest'), config({ [key]: value }));
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, other] })).map((p) => p.field)).toEqual([`input.runs[1].config.${key}`]);
  });

  it('reports invalid run configs under the run', () => {
    const bad = run(runB, 'A forest', inputsOf('forest'), { ...config(), numSteps: 0 });
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, bad] }))).toEqual([
      { field: 'input.runs[1].config.numSteps', problem: 'must be a whole number from 1 to 100 (got 0)' },
    ]);
  });

  it('refuses an empty batch, a run twice, and a run without prompt text', () => {
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [] })).map((p) => p.field)).toEqual(['input.runs']);
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, first] })).map((p) => p.field)).toEqual(['input.runs[1].runId']);
    const silent = run(runB, ' ', inputsOf('forest'));
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, silent] })).map((p) => p.field)).toEqual(['input.runs[1].prompt.text']);
  });

  it('takes a configurable batch size, whose lines must share frame count and aspect bucket', () => {
    const { args } = buildBatchSpec({ jobId, runs: [first, second], batchSize: 2 });
    expect(args[args.indexOf('--batch_size') + 1]).toBe('2');

    const portrait = run(runC, 'A tower', { ...inputsOf('tower'), color: video('tower/color.mp4', { width: 704, height: 1280 }) });
    const longer = run(runC, 'A tower', { ...inputsOf('tower'), color: video('tower/color.mp4', { frames: 241 }) });
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, portrait], batchSize: 2 })).map((p) => p.field)).toEqual([
      'input.runs[1].prompt.inputs.color',
    ]);
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first, longer], batchSize: 2 })).map((p) => p.field)).toEqual([
      'input.runs[1].prompt.inputs.color',
    ]);
    // A different shape in the next model batch is fine, and so is anything with batch size 1.
    expect(() => buildBatchSpec({ jobId, runs: [first, second, portrait], batchSize: 2 })).not.toThrow();
    expect(() => buildBatchSpec({ jobId, runs: [first, portrait] })).not.toThrow();
    expect(problemsOf(() => buildBatchSpec({ jobId, runs: [first], batchSize: 0 })).map((p) => p.field)).toEqual(['input.batchSize']);
  });
});
