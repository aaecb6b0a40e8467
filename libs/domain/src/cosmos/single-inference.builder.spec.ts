import type { PromptInputs, VideoFacts } from '../prompt/prompt.events.js';
import { InvalidInput } from '../shared/domain-error.js';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig } from './inference-config.js';
import { buildInferenceSpec } from './single-inference.builder.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';
const video = (name: string, overrides: Partial<VideoFacts> = {}): VideoFacts => ({
  path: `city_night/${name}.mp4`,
  frames: 121,
  fps: 24,
  width: 1280,
  height: 704,
  durationSeconds: 121 / 24,
  codec: 'h264',
  sizeBytes: 4_200_000,
  ...overrides,
});
const inputs: PromptInputs = { videoDir: 'city_night', color: video('color'), depth: video('depth'), segmentation: null };
const prompt = { text: 'A futuristic cyberpunk city at night', negativePrompt: 'low quality, blurry', inputs };
const withWeights = (weights: Partial<InferenceConfig['weights']>): InferenceConfig => ({
  ...DEFAULT_INFERENCE_CONFIG,
  weights: { ...DEFAULT_INFERENCE_CONFIG.weights, ...weights },
});

/** Every InferenceConfig key with a value unlike its default, and the model's name for it. */
const DISTINCT: InferenceConfig = {
  weights: { vis: 0.11, edge: 0.22, depth: 0.33, seg: 0.44 },
  numSteps: 42,
  guidance: 6.5,
  seed: 1234,
  fps: 30,
  sigmaMax: 55.5,
  blurStrength: 'very_low',
  cannyThreshold: 'high',
};
const MODEL_NAMES = {
  numSteps: 'num_steps',
  guidance: 'guidance',
  seed: 'seed',
  fps: 'fps',
  sigmaMax: 'sigma_max',
  blurStrength: 'blur_strength',
  cannyThreshold: 'canny_threshold',
} as const;
type Setting = keyof typeof MODEL_NAMES;

/** The value after `--name` in argv, or undefined. */
const argValue = (args: readonly string[], name: string) => {
  const index = args.indexOf(`--${name}`);
  return index < 0 ? undefined : args[index + 1];
};

describe('buildInferenceSpec', () => {
  it('builds the spec, files, uploads and argv for the default config', () => {
    const launch = buildInferenceSpec({ runId, prompt, config: DEFAULT_INFERENCE_CONFIG });
    const spec = {
      prompt: 'A futuristic cyberpunk city at night',
      negative_prompt: 'low quality, blurry',
      input_video_path: `runs/${runId}/inputs/color.mp4`,
      num_steps: 35,
      guidance: 5,
      sigma_max: 70,
      seed: 1,
      fps: 24,
      blur_strength: 'medium',
      canny_threshold: 'medium',
      vis: { control_weight: 0.25 },
      edge: { control_weight: 0.25 },
      depth: { control_weight: 0.25, input_control: `runs/${runId}/inputs/depth.mp4` },
      seg: { control_weight: 0.25 },
    };
    expect(launch).toEqual({
      spec,
      files: [{ path: `runs/${runId}/spec.json`, text: `${JSON.stringify(spec, null, 2)}\n` }],
      uploads: [
        { from: { root: 'inputs', path: 'city_night/color.mp4' }, to: `runs/${runId}/inputs/color.mp4` },
        { from: { root: 'inputs', path: 'city_night/depth.mp4' }, to: `runs/${runId}/inputs/depth.mp4` },
      ],
      outputs: { dir: `outputs/${runId}`, video: `outputs/${runId}/output.mp4`, promptText: `outputs/${runId}/output.txt` },
      args: [
        'torchrun', '--nproc_per_node', '1', '--nnodes', '1', '--node_rank', '0',
        'cosmos_transfer1/diffusion/inference/transfer.py',
        '--checkpoint_dir', 'checkpoints',
        '--video_save_folder', `outputs/${runId}`,
        '--controlnet_specs', `runs/${runId}/spec.json`,
        '--video_save_name', 'output',
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
    // The file is what the model reads, in the documented key order.
    expect(Object.keys(launch.spec)).toEqual(Object.keys(spec));
  });

  it('turns a control off with weight 0: no hint, no upload of its video', () => {
    const launch = buildInferenceSpec({ runId, prompt, config: withWeights({ vis: 0, depth: 0 }) });
    expect(Object.keys(launch.spec).filter((key) => ['vis', 'edge', 'depth', 'seg'].includes(key))).toEqual(['edge', 'seg']);
    expect(launch.uploads.map((upload) => upload.to)).toEqual([`runs/${runId}/inputs/color.mp4`]);
  });

  it('uses uploaded depth and segmentation videos, and lets the model generate every other control', () => {
    const both = { ...inputs, segmentation: video('segmentation') };
    const launch = buildInferenceSpec({ runId, prompt: { ...prompt, inputs: both }, config: DEFAULT_INFERENCE_CONFIG });
    expect(launch.spec.depth).toEqual({ control_weight: 0.25, input_control: `runs/${runId}/inputs/depth.mp4` });
    expect(launch.spec.seg).toEqual({ control_weight: 0.25, input_control: `runs/${runId}/inputs/segmentation.mp4` });
    expect(launch.spec.vis).toEqual({ control_weight: 0.25 });
    expect(launch.spec.edge).toEqual({ control_weight: 0.25 });
    expect(launch.uploads.map((upload) => upload.to)).toEqual([
      `runs/${runId}/inputs/color.mp4`,
      `runs/${runId}/inputs/depth.mp4`,
      `runs/${runId}/inputs/segmentation.mp4`,
    ]);
  });

  it('sends every InferenceConfig key to the model, in the spec and as a CLI token', () => {
    expect(Object.keys(DISTINCT).sort()).toEqual(Object.keys(DEFAULT_INFERENCE_CONFIG).sort());
    expect(Object.keys(MODEL_NAMES).sort()).toEqual(Object.keys(DEFAULT_INFERENCE_CONFIG).filter((key) => key !== 'weights').sort());

    const { spec, args } = buildInferenceSpec({ runId, prompt, config: DISTINCT });
    for (const key of Object.keys(MODEL_NAMES) as Setting[]) {
      expect(DISTINCT[key]).not.toEqual(DEFAULT_INFERENCE_CONFIG[key]);
      expect({ key, spec: spec[MODEL_NAMES[key]] }).toEqual({ key, spec: DISTINCT[key] });
      expect({ key, arg: argValue(args, MODEL_NAMES[key]) }).toEqual({ key, arg: String(DISTINCT[key]) });
    }
    for (const key of ['vis', 'edge', 'depth', 'seg'] as const) {
      expect({ key, weight: spec[key]?.control_weight }).toEqual({ key, weight: DISTINCT.weights[key] });
    }
  });

  it('keeps the prompt and negative prompt out of argv, whatever they contain', () => {
    const hostile = { ...prompt, text: '--seed 9; rm -rf / "$(x)"', negativePrompt: '-blurry' };
    const { spec, args } = buildInferenceSpec({ runId, prompt: hostile, config: DEFAULT_INFERENCE_CONFIG });
    expect(spec.prompt).toBe(hostile.text);
    expect(spec.negative_prompt).toBe('-blurry');
    expect(args).not.toContain('--prompt');
    expect(args).not.toContain('--negative_prompt');
    expect(args.some((arg) => arg.includes('rm -rf') || arg === '-blurry')).toBe(false);
  });

  it('emits flags as separate tokens, never --key=value', () => {
    const { args } = buildInferenceSpec({ runId, prompt, config: DISTINCT });
    expect(args.filter((arg) => arg.startsWith('--') && arg.includes('='))).toEqual([]);
  });

  it('launches as many processes as the node has GPUs, from the allowed counts', () => {
    const { args } = buildInferenceSpec({ runId, prompt, config: DEFAULT_INFERENCE_CONFIG, launch: { numGpus: 4 } });
    expect(argValue(args, 'nproc_per_node')).toBe('4');
    expect(argValue(args, 'num_gpus')).toBe('4');
    expect(() => buildInferenceSpec({ runId, prompt, config: DEFAULT_INFERENCE_CONFIG, launch: { numGpus: 3 } })).toThrow(
      'launch.numGpus: must be one of 1, 2, 4, 8, 16 (got 3)',
    );
  });

  it('refuses an empty prompt and a config that breaks the rules', () => {
    expect(() => buildInferenceSpec({ runId, prompt: { ...prompt, text: '  ' }, config: DEFAULT_INFERENCE_CONFIG })).toThrow(InvalidInput);
    expect(() => buildInferenceSpec({ runId, prompt, config: withWeights({ vis: 0, edge: 0, depth: 0, seg: 0 }) })).toThrow(
      /input\.weights: at least one control/,
    );
  });
});
