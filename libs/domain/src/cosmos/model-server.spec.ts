import type { PromptInputs, VideoFacts } from '../prompt/prompt.events.js';
import { DEFAULT_INFERENCE_CONFIG } from './inference-config.js';
import { hintsOf, modelServerRequestOf, modelServerRequestProblem, savedOutputDir } from './model-server.js';
import { buildInferenceSpec } from './single-inference.builder.js';

const runId = 'rs_0123456789abcdef0123456789abcdef';
const video = (name: string): VideoFacts => ({ path: `city/${name}.mp4`, frames: 121, fps: 24, width: 1280, height: 704, durationSeconds: 121 / 24, codec: 'h264', sizeBytes: 1000 });
const inputs: PromptInputs = { videoDir: 'city', color: video('color'), depth: video('depth'), segmentation: null };
const prompt = { text: 'A city at night', negativePrompt: 'blurry', inputs };
const specOf = (config = DEFAULT_INFERENCE_CONFIG) => buildInferenceSpec({ runId, prompt, config }).spec;

describe('modelServerRequestOf', () => {
  it('keeps only keys the server takes, with container paths, and names the hints', () => {
    const built = modelServerRequestOf(specOf());
    if (!('request' in built)) throw new Error(built.incompatible);
    expect(built.request['fps']).toBeUndefined();
    expect(built.request['input_video_path']).toBe(`/workspace/runs/${runId}/inputs/color.mp4`);
    expect((built.request['depth'] as { input_control: string }).input_control).toMatch(/^\/workspace\/runs\/.+\/inputs\/depth\.mp4$/);
    expect(built.hints).toEqual(['depth', 'edge', 'seg', 'vis']);
    expect(modelServerRequestProblem(built.request)).toBeNull();
  });

  it('refuses a job at another frame rate than the server renders', () => {
    const built = modelServerRequestOf(specOf({ ...DEFAULT_INFERENCE_CONFIG, fps: 30 }));
    expect(built).toEqual({ incompatible: 'the model server renders at 24 fps, the job asks 30' });
  });

  it('follows a change of controls into the hint set', () => {
    const built = modelServerRequestOf(specOf({ ...DEFAULT_INFERENCE_CONFIG, weights: { vis: 0, edge: 1, depth: 0, seg: 0 } }));
    expect('request' in built && built.hints).toEqual(['edge']);
  });
});

describe('modelServerRequestProblem (the server rules, §7.2)', () => {
  it.each([
    [{ prompt: 'p', input_video_path: '/v.mp4', fps: 24, edge: {} }, "TypeError: validate_params() got an unexpected keyword argument 'fps'"],
    [{ prompt: 'p', input_video_path: '/v.mp4', keypoint: {} }, 'ValueError: Invalid hint_key: keypoint'],
    [{ prompt: 'p', edge: { input_control: '/e.mp4' } }, "ValueError: Controlnet 'edge' requires an input video. Please specify 'input_video_path'."],
    [{ prompt: 'p', depth: {} }, "ValueError: Controlnet 'depth' requires an 'input_control' video OR input_video_path."],
    [{ prompt: 'p', input_video_path: '/v.mp4' }, 'ValueError: at least one hint is required'],
  ])('%j → %s', (request, problem) => {
    expect(modelServerRequestProblem(request)).toBe(problem);
  });

  it('accepts a depth hint with its own control and no video', () => {
    expect(modelServerRequestProblem({ prompt: 'p', depth: { input_control: '/d.mp4' } })).toBeNull();
    expect(hintsOf({ prompt: 'p', seg: {}, depth: {} })).toEqual(['depth', 'seg']);
  });
});

it('savedOutputDir reads the folder from the success status', () => {
  expect(savedOutputDir('Video generated successfully!\nOutput saved to: /workspace/o/generation_1\nFinal prompt: x')).toBe('/workspace/o/generation_1');
  expect(savedOutputDir('Error: boom')).toBeNull();
});
