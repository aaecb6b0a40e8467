import type { PromptInputs, VideoFacts } from '../prompt/prompt.events.js';
import { buildBatchSpec } from './batch-inference.builder.js';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig } from './inference-config.js';
import { validateBatchLines, validateControlnetSpec } from './model-rules.js';
import { buildInferenceSpec } from './single-inference.builder.js';
import { buildUpscaleSpec } from './upscale.builder.js';

const VALID_KEYS = "{'vis', 'seg', 'edge', 'depth', 'keypoint', 'upscale', 'hdmap', 'lidar'}";
const video = 'runs/rs_1/inputs/color.mp4';
const ok = { errors: [], warnings: [] };

describe('validateControlnetSpec: the model checks of §2.5, with its messages', () => {
  it('accepts a documented spec', () => {
    expect(validateControlnetSpec({ prompt: 'A city', input_video_path: video, edge: { control_weight: 1.0 } })).toEqual(ok);
  });

  it('rejects a dict under an unknown key, and accepts unknown plain args silently', () => {
    const spec = { input_video_path: video, num_video_frames: 121, vis: { control_weight: 0.5 }, colour: { control_weight: 0.5 } };
    expect(validateControlnetSpec(spec)).toEqual({ errors: [`Invalid hint_key: colour. Must be one of ${VALID_KEYS}`], warnings: [] });
  });

  it("needs an input video while sigma_max < 80, reported once however many hints", () => {
    const spec = { vis: { control_weight: 0.5, input_control: 'v.mp4' }, edge: { control_weight: 0.5, input_control: 'e.mp4' } };
    expect(validateControlnetSpec(spec).errors).toEqual(["Must have 'input_video' specified if sigma_max < 80"]);
    expect(validateControlnetSpec({ ...spec, sigma_max: 79.9 }).errors).toEqual(["Must have 'input_video' specified if sigma_max < 80"]);
    expect(validateControlnetSpec({ ...spec, input_video_path: '' }).errors).toEqual(["Must have 'input_video' specified if sigma_max < 80"]);
    expect(validateControlnetSpec({ ...spec, sigma_max: 80 })).toEqual(ok);
  });

  it('needs input_control on every hint when there is no input video', () => {
    const spec = { sigma_max: 80, depth: { control_weight: 0.5 }, seg: { control_weight: 0.5, input_control: 's.mp4' } };
    expect(validateControlnetSpec(spec).errors).toEqual(["depth controlnet must have 'input_control' video specified if no 'input_video' specified."]);
  });

  it('takes a null input_control past the model check, then refuses it with no video to generate from', () => {
    expect(validateControlnetSpec({ sigma_max: 80, depth: { control_weight: 0.5, input_control: null } }).errors).toEqual([
      "depth has 'input_control': null, which asks the model to generate it from the input video, but there is no 'input_video_path'",
    ]);
  });

  it('warns and defaults a missing control weight', () => {
    expect(validateControlnetSpec({ input_video_path: video, vis: {} })).toEqual({
      errors: [],
      warnings: ['No control weight specified for vis. Setting to 0.5.'],
    });
  });

  it.each([['-1'], [-0.5], ['abc'], [''], [null], [[0.5]], ['0.5.pt.bak'], ['1__0']])('rejects the control weight %j', (weight) => {
    expect(validateControlnetSpec({ input_video_path: video, seg: { control_weight: weight } }).errors).toEqual([
      'Control weight for seg must be a valid non-negative float or a path to a .pt file.',
    ]);
  });

  it.each([[0], [0.5], [2], ['0.5'], [' 1e-1 '], ['1_0'], ['.5'], ['5.'], ['inf'], ['NaN'], ['-0'], [true], ['weights/mask.pt'], ['-1.pt']])(
    'accepts the control weight %j as float() or a .pt path does',
    (weight) => {
      expect(validateControlnetSpec({ input_video_path: video, seg: { control_weight: weight } })).toEqual(ok);
    },
  );

  it('puts the model’s own first error first', () => {
    const spec = { seed: '1', foo: {}, vis: { control_weight: -1 } };
    expect(validateControlnetSpec(spec).errors).toEqual([
      `Invalid hint_key: foo. Must be one of ${VALID_KEYS}`,
      "Must have 'input_video' specified if sigma_max < 80",
      "vis controlnet must have 'input_control' video specified if no 'input_video' specified.",
      'Control weight for vis must be a valid non-negative float or a path to a .pt file.',
      'seed must be an integer (got "1"): the model uses JSON values as they are',
    ]);
  });
});

describe('validateControlnetSpec: documented facts the model leaves to crash later', () => {
  it('refuses a spec that is not an object, or has no hint', () => {
    expect(validateControlnetSpec([]).errors).toEqual(['The controlnet spec must be a JSON object (got [])']);
    expect(validateControlnetSpec({ input_video_path: video }).errors).toEqual([
      'The spec has no hint: add at least one of vis, seg, edge, depth, keypoint, upscale, hdmap, lidar; the model does not check this but fails without one',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, vis: 0.5 }).errors).toEqual(['vis must be a JSON object of control settings (got 0.5)']);
  });

  it('keeps upscale alone and with an input video', () => {
    expect(validateControlnetSpec({ input_video_path: video, upscale: { control_weight: 0.5 }, edge: { control_weight: 0.5 } }).errors).toEqual([
      'upscale must be the only hint (the spec also has edge)',
    ]);
    expect(validateControlnetSpec({ sigma_max: 80, upscale: { control_weight: 0.5, input_control: 'x.mp4' } }).errors).toEqual([
      "upscale needs 'input_video_path': it upscales the input video and reads no input_control",
    ]);
  });

  it('needs input_control and --is_av_sample for hdmap and lidar, and the general base for the rest', () => {
    expect(validateControlnetSpec({ input_video_path: video, hdmap: { control_weight: 0.5 } }, { isAvSample: true }).errors).toEqual([
      "hdmap controlnet must have 'input_control' video specified: hdmap is never generated from the input video",
    ]);
    expect(validateControlnetSpec({ input_video_path: video, lidar: { control_weight: 0.5, input_control: 'l.mp4' } }).errors).toEqual([
      'lidar needs --is_av_sample: its checkpoint belongs to the Sample-AV base model',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, lidar: { control_weight: 0.5, input_control: 'l.mp4' } }, { isAvSample: true })).toEqual(ok);
    expect(validateControlnetSpec({ input_video_path: video, depth: { control_weight: 0.5 } }, { isAvSample: true }).errors).toEqual([
      'depth cannot be used with --is_av_sample: it needs the general base model',
    ]);
  });

  it('applies the distilled rules', () => {
    const distilled = { useDistilled: true };
    expect(validateControlnetSpec({ input_video_path: video, edge: { control_weight: 1 } }, distilled)).toEqual(ok);
    expect(validateControlnetSpec({ input_video_path: video, vis: { control_weight: 1 } }, distilled).errors).toEqual([
      'No default distilled checkpoint for vis. Users must specify ckpt_path in config.',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, vis: { control_weight: 1, ckpt_path: '/ckpt/vis_distilled.pt' } }, distilled)).toEqual(ok);
    expect(validateControlnetSpec({ input_video_path: video, edge: { control_weight: 1 }, depth: { control_weight: 1, ckpt_path: '/d.pt' } }, distilled).errors).toEqual([
      'Distilled model only supports single control input',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, edge: { control_weight: 1 } }, { ...distilled, saveInputNoise: true }).errors).toEqual([
      'Saving input noise is not supported for distilled models',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, edge: { control_weight: 1 } }, { ...distilled, isAvSample: true }).errors).toEqual([
      'edge cannot be used with --is_av_sample: it needs the general base model',
      '--use_distilled cannot be combined with --is_av_sample',
    ]);
    expect(validateControlnetSpec({ input_video_path: video, guidance: 7, edge: { control_weight: 1 } }, distilled)).toEqual({
      errors: [],
      warnings: ['With --use_distilled, guidance is ignored'],
    });
  });

  it('warns about seg-only keys elsewhere and relative checkpoints with several controls', () => {
    const spec = {
      input_video_path: video,
      vis: { control_weight: 0.5, control_weight_prompt: 'the car' },
      edge: { control_weight: 0.5, input_control_prompt: 'the car', ckpt_path: 'custom/edge.pt' },
      seg: { control_weight: 0.5, control_weight_prompt: 'the car', input_control_prompt: 'car . road' },
    };
    expect(validateControlnetSpec(spec)).toEqual({
      errors: [],
      warnings: [
        'control_weight_prompt is only honoured for seg; vis uses its scalar control_weight everywhere',
        'input_control_prompt is only used for seg; ignored for edge',
        'ckpt_path for edge is relative: with several controls it is resolved against the working directory, not checkpoint_dir',
      ],
    });
  });

  it('refuses JSON values of the wrong type, unless a CLI token overrides them', () => {
    const spec = {
      input_video_path: video,
      num_steps: 35.5,
      guidance: '5',
      fps: '24',
      blur_strength: 'extreme',
      canny_threshold: 'medium',
      num_input_frames: 9,
      vis: { control_weight: 0.5 },
    };
    expect(validateControlnetSpec(spec).errors).toEqual([
      'num_steps must be an integer (got 35.5): the model uses JSON values as they are',
      'guidance must be a number (got "5"): the model uses JSON values as they are',
      'fps must be an integer (got "24"): the model uses JSON values as they are',
      'blur_strength must be one of very_low, low, medium, high, very_high (got "extreme"): the model uses JSON values as they are',
      'num_input_frames must be 1 (transfer.py allows no other value) (got 9): the model uses JSON values as they are',
    ]);
    const argv = ['--num_steps', '35', '--guidance', '5', '--fps', '24', '--blur_strength', 'low', '--num_input_frames', '1'];
    expect(validateControlnetSpec(spec, { argv })).toEqual(ok);
  });

  it('merges CLI tokens over the JSON as the model does, for the video and sigma_max', () => {
    const noVideo = { vis: { control_weight: 0.5, input_control: 'v.mp4' } };
    expect(validateControlnetSpec(noVideo, { argv: ['--input_video_path', video] })).toEqual(ok);
    expect(validateControlnetSpec(noVideo, { argv: ['--sigma_max', '80'] })).toEqual(ok);
    expect(validateControlnetSpec({ ...noVideo, sigma_max: 80 }, { argv: ['--sigma_max', '70'] }).errors).toEqual([
      "Must have 'input_video' specified if sigma_max < 80",
    ]);
    // `--sigma_max=80` is not the token `--sigma_max`: the JSON (or the default 70) wins (§1.3).
    expect(validateControlnetSpec(noVideo, { argv: ['--sigma_max=80'] }).errors).toEqual(["Must have 'input_video' specified if sigma_max < 80"]);
  });

  it('refuses an empty prompt except in batch mode, where lines bring their own', () => {
    const spec = { prompt: ' ', input_video_path: video, vis: { control_weight: 0.5 } };
    expect(validateControlnetSpec(spec).errors).toEqual(['prompt must not be empty: the model sends it to the guardrail and T5 as it is']);
    expect(validateControlnetSpec(spec, { argv: ['--batch_input_path', 'b.jsonl'] })).toEqual(ok);
  });
});

describe('validateBatchLines (§3, fact 23)', () => {
  const base = { input_video_path: video, vis: { control_weight: 0.5 }, depth: { control_weight: 0.5 } };
  const line = (item: object) => JSON.stringify({ visual_input: 'a.mp4', prompt: 'A city', ...item });

  it('accepts documented lines, with or without a final newline, with CRLF endings', () => {
    const text = [line({}), line({ control_overrides: { depth: { input_control: null }, vis: { control_weight: 0.2 } } })].join('\r\n');
    expect(validateBatchLines(text, base)).toEqual(ok);
    expect(validateBatchLines(`${text}\r\n`, base)).toEqual(ok);
  });

  it('refuses blank lines, a trailing blank line included, and an empty file', () => {
    expect(validateBatchLines(`${line({})}\n\n${line({})}\n`, base).errors).toEqual([
      'Line 2: blank line; every line must be one JSON object (json.loads fails: Expecting value: line 1 column 1 (char 0))',
    ]);
    expect(validateBatchLines(`${line({})}\n  \n`, base).errors).toHaveLength(1);
    expect(validateBatchLines('', base).errors).toEqual(['The batch file has no lines: there is nothing to generate']);
  });

  it('refuses lines that do not parse as one object, and a byte-order mark', () => {
    const { errors } = validateBatchLines(`${line({})}\n{"visual_input": "a.mp4",\n[1]\n\uFEFF${line({})}\n`, base);
    expect(errors[0]).toMatch(/^Line 2: not valid JSON \(/);
    expect(errors.slice(1)).toEqual(['Line 3: must be a JSON object (got [1])', 'Line 4: starts with a byte-order mark, which json.loads rejects']);
  });

  it('needs visual_input and a non-empty prompt on every line', () => {
    expect(validateBatchLines(`${JSON.stringify({ prompt: 'A city' })}\n${JSON.stringify({ visual_input: 'a.mp4', prompt: '' })}\n`, base).errors).toEqual([
      "Line 1: 'visual_input' must be the path of this line's RGB video",
      "Line 2: 'prompt' must be non-empty text; the model uses no other prompt for this line",
    ]);
  });

  it('ignores overrides of controls the spec does not have, with the model warning', () => {
    const text = line({ control_overrides: { seg: { control_weight: 0.5 }, keypoint: {}, colour: {} } });
    expect(validateBatchLines(text, base)).toEqual({
      errors: [],
      warnings: [
        'Ignoring unknown control key in override: seg',
        'Ignoring unknown control key in override: keypoint',
        'Ignoring unknown control key in override: colour',
      ],
    });
  });

  it('checks each override as it merges into the spec hint', () => {
    const text = line({ control_overrides: { vis: 0.5, depth: { control_weight: 'high' } } });
    expect(validateBatchLines(text, base).errors).toEqual([
      "Line 1: the override of vis must be an object; it is merged into the spec's vis dict (got 0.5)",
      'Line 1: Control weight for depth must be a valid non-negative float or a path to a .pt file.',
    ]);
    expect(validateBatchLines(line({ control_overrides: { vis: { control_weight: -1 } } }), base)).toEqual({
      errors: [],
      warnings: ['Line 1: control_weight for vis is negative; the model clamps it to 0'],
    });
    expect(validateBatchLines(line({ control_overrides: [] }), base).errors).toEqual([
      "Line 1: 'control_overrides' must be an object of hint dicts (got [])",
    ]);
  });
});

describe('every spec our builders produce passes the model rules', () => {
  const facts = (path: string): VideoFacts => ({ path, frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 121 / 24, codec: 'h264', sizeBytes: 1 });
  const inputs = (dir: string, withControls: boolean): PromptInputs => ({
    videoDir: dir,
    color: facts(`${dir}/color.mp4`),
    depth: withControls ? facts(`${dir}/depth.mp4`) : null,
    segmentation: withControls ? facts(`${dir}/segmentation.mp4`) : null,
  });
  const configs: InferenceConfig[] = [
    DEFAULT_INFERENCE_CONFIG,
    { ...DEFAULT_INFERENCE_CONFIG, weights: { vis: 0, edge: 1, depth: 0, seg: 0 }, sigmaMax: 80 },
    { ...DEFAULT_INFERENCE_CONFIG, weights: { vis: 0.1, edge: 0, depth: 0.9, seg: 0.6 }, sigmaMax: 0, numSteps: 1, guidance: 20, fps: 60 },
  ];

  it.each(configs.map((config, index) => [index, config] as const))('single inference, config %i', (_index, config) => {
    for (const withControls of [true, false]) {
      const { spec, args } = buildInferenceSpec({ runId: 'rs_1', prompt: { text: 'A city', negativePrompt: 'blurry', inputs: inputs('city', withControls) }, config });
      expect(validateControlnetSpec(spec)).toEqual(ok);
      expect(validateControlnetSpec(spec, { argv: args })).toEqual(ok);
    }
  });

  it('batch inference: base spec and lines', () => {
    const runs = configs.map((config, index) => ({
      runId: `rs_${index}`,
      prompt: { text: `Prompt ${index}`, negativePrompt: 'blurry', inputs: inputs(`dir${index}`, index % 2 === 0) },
      config: { ...config, sigmaMax: 70, numSteps: 35, guidance: 5, fps: 24 },
    }));
    const { baseSpec, jsonl, args } = buildBatchSpec({ jobId: 'job_1', runs });
    expect(validateControlnetSpec(baseSpec, { argv: args })).toEqual(ok);
    expect(validateControlnetSpec(baseSpec)).toEqual(ok);
    expect(validateBatchLines(jsonl, baseSpec)).toEqual(ok);
  });

  it('upscale, with and without a prompt', () => {
    for (const prompt of [null, 'crisp detail']) {
      const { spec, args } = buildUpscaleSpec({ runId: 'rs_1', source: { root: 'outputs', path: 'rs_0/output.mp4' }, config: { controlWeight: 0.5, prompt } });
      expect(validateControlnetSpec(spec)).toEqual(ok);
      expect(validateControlnetSpec(spec, { argv: args })).toEqual(ok);
    }
  });
});
