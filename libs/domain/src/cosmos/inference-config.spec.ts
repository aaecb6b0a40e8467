import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import {
  DEFAULT_INFERENCE_CONFIG,
  resolveEnhanceConfig,
  resolveInferenceConfig,
  resolveUpscaleConfig,
  type InferenceConfigInput,
} from './inference-config.js';

function problemsOf(resolve: () => unknown): FieldProblem[] {
  try {
    resolve();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInput);
    return (error as InvalidInput).details.fields;
  }
  throw new Error('expected InvalidInput');
}

const fieldsOf = (input: InferenceConfigInput) => problemsOf(() => resolveInferenceConfig(input)).map((p) => p.field);

describe('resolveInferenceConfig', () => {
  it('fills every default from an empty config, with the model CLI defaults', () => {
    expect(resolveInferenceConfig({})).toEqual({
      weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 },
      numSteps: 35,
      guidance: 5,
      seed: 1,
      fps: 24,
      sigmaMax: 70,
      blurStrength: 'medium',
      cannyThreshold: 'medium',
    });
  });

  it('keeps what the user set and defaults the rest, weight by weight', () => {
    expect(resolveInferenceConfig({ weights: { vis: 0, depth: 1 }, guidance: 7.5, seed: 0, cannyThreshold: 'very_high' })).toEqual({
      ...DEFAULT_INFERENCE_CONFIG,
      weights: { vis: 0, edge: 0.25, depth: 1, seg: 0.25 },
      guidance: 7.5,
      seed: 0,
      cannyThreshold: 'very_high',
    });
  });

  it('treats null as not set, as GraphQL sends omitted optional fields', () => {
    expect(resolveInferenceConfig({ weights: null, numSteps: null, blurStrength: null })).toEqual(DEFAULT_INFERENCE_CONFIG);
  });

  it('is idempotent on a resolved config', () => {
    const config = resolveInferenceConfig({ weights: { vis: 0.1, edge: 0.2, depth: 0.3, seg: 0.4 }, fps: 30 });
    expect(resolveInferenceConfig(config)).toEqual(config);
  });

  it('has no sum rule: four full weights are fine (the model normalises sums above 1)', () => {
    expect(resolveInferenceConfig({ weights: { vis: 1, edge: 1, depth: 1, seg: 1 } }).weights).toEqual({ vis: 1, edge: 1, depth: 1, seg: 1 });
  });

  it('accepts the bounds of every range', () => {
    const low = { weights: { vis: 0, edge: 0, depth: 0, seg: 1 }, numSteps: 1, guidance: 1, seed: 0, fps: 1, sigmaMax: 0 };
    const high = { weights: { vis: 1, edge: 1, depth: 1, seg: 1 }, numSteps: 100, guidance: 20, seed: 2 ** 40, fps: 60, sigmaMax: 80 };
    expect(resolveInferenceConfig(low)).toMatchObject(low);
    expect(resolveInferenceConfig(high)).toMatchObject(high);
  });

  it('reports every problem at once, each under its own field', () => {
    const problems = problemsOf(() =>
      resolveInferenceConfig({
        weights: { vis: 1.5, edge: -0.1, depth: 0.5, seg: 0.5 },
        numSteps: 0,
        guidance: 25,
        seed: -1,
        fps: 61,
        sigmaMax: 81,
        blurStrength: 'extreme' as never,
        cannyThreshold: 'MEDIUM' as never,
      }),
    );
    expect(problems).toEqual([
      { field: 'input.weights.vis', problem: 'must be a number from 0 to 1 (got 1.5)' },
      { field: 'input.weights.edge', problem: 'must be a number from 0 to 1 (got -0.1)' },
      { field: 'input.numSteps', problem: 'must be a whole number from 1 to 100 (got 0)' },
      { field: 'input.guidance', problem: 'must be a number from 1 to 20 (got 25)' },
      { field: 'input.seed', problem: 'must be a whole number ≥ 0 (got -1)' },
      { field: 'input.fps', problem: 'must be a whole number from 1 to 60 (got 61)' },
      { field: 'input.sigmaMax', problem: 'must be a number from 0 to 80 (got 81)' },
      { field: 'input.blurStrength', problem: 'must be one of very_low, low, medium, high, very_high (got "extreme")' },
      { field: 'input.cannyThreshold', problem: 'must be one of very_low, low, medium, high, very_high (got "MEDIUM")' },
    ]);
  });

  it('wants whole numbers for steps, seed and fps', () => {
    expect(fieldsOf({ numSteps: 35.5, seed: 1.5, fps: 23.976 })).toEqual(['input.numSteps', 'input.seed', 'input.fps']);
  });

  it('guards types at the JSON boundary: strings, booleans and non-finite numbers are not numbers', () => {
    expect(fieldsOf({ numSteps: '35', guidance: true, sigmaMax: Number.NaN, weights: { vis: '0.5' } })).toEqual([
      'input.weights.vis',
      'input.numSteps',
      'input.guidance',
      'input.sigmaMax',
    ]);
    expect(fieldsOf({ weights: [0.5] })).toEqual(['input.weights']);
  });

  it('needs at least one control on', () => {
    expect(problemsOf(() => resolveInferenceConfig({ weights: { vis: 0, edge: 0, depth: 0, seg: 0 } }))).toEqual([
      { field: 'input.weights', problem: 'at least one control needs a weight above 0 (0 turns a control off): vis, edge, depth, seg' },
    ]);
  });

  it('refuses unknown settings instead of dropping them, so a misspelt one never runs on a default', () => {
    expect(problemsOf(() => resolveInferenceConfig({ num_steps: 50, guidance_scale: 7, weights: { keypoint: 0.5 } }))).toEqual([
      { field: 'input.num_steps', problem: 'is not a known setting; known: weights, numSteps, guidance, seed, fps, sigmaMax, blurStrength, cannyThreshold' },
      { field: 'input.guidance_scale', problem: 'is not a known setting; known: weights, numSteps, guidance, seed, fps, sigmaMax, blurStrength, cannyThreshold' },
      { field: 'input.weights.keypoint', problem: 'is not a known setting; known: vis, edge, depth, seg' },
    ]);
  });
});

describe('resolveUpscaleConfig', () => {
  it('defaults to the documented weight 0.5 and no prompt', () => {
    expect(resolveUpscaleConfig({})).toEqual({ controlWeight: 0.5, prompt: null });
    expect(resolveUpscaleConfig({ controlWeight: null, prompt: null })).toEqual({ controlWeight: 0.5, prompt: null });
  });

  it('keeps what the user set', () => {
    expect(resolveUpscaleConfig({ controlWeight: 0.8, prompt: 'crisp 4K detail' })).toEqual({ controlWeight: 0.8, prompt: 'crisp 4K detail' });
  });

  it('checks the weight range, the prompt type and unknown keys', () => {
    expect(problemsOf(() => resolveUpscaleConfig({ controlWeight: 1.2, prompt: 3, control_weight: 0.5 }))).toEqual([
      { field: 'input.control_weight', problem: 'is not a known setting; known: controlWeight, prompt' },
      { field: 'input.controlWeight', problem: 'must be a number from 0 to 1 (got 1.2)' },
      { field: 'input.prompt', problem: 'must be text or null (got 3)' },
    ]);
  });

  it('limits the prompt length like prompt text', () => {
    expect(problemsOf(() => resolveUpscaleConfig({ prompt: 'x'.repeat(10_001) }))).toEqual([
      { field: 'input.prompt', problem: 'must be at most 10,000 characters (got 10,001)' },
    ]);
  });
});

describe('resolveEnhanceConfig', () => {
  it('defaults to pixtral, the only upsampler the model ships, creating a new prompt', () => {
    expect(resolveEnhanceConfig({})).toEqual({ model: 'pixtral', mode: 'create_new' });
    expect(resolveEnhanceConfig({ mode: 'overwrite' })).toEqual({ model: 'pixtral', mode: 'overwrite' });
  });

  it('refuses unknown modes', () => {
    expect(problemsOf(() => resolveEnhanceConfig({ mode: 'append' }))).toEqual([
      { field: 'input.mode', problem: 'must be one of create_new, overwrite (got "append")' },
    ]);
  });

  it('refuses other models', () => {
    expect(problemsOf(() => resolveEnhanceConfig({ model: 'gpt' }))).toEqual([
      { field: 'input.model', problem: 'must be one of pixtral (got "gpt")' },
    ]);
  });
});
