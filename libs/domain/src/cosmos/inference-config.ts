import { promptTextProblem } from '../prompt/prompt-text.js';
import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';

/** The controls this service drives; keypoint, hdmap and lidar need inputs we do not prepare. */
export const CONTROL_KEYS = ['vis', 'edge', 'depth', 'seg'] as const;
export type ControlKey = (typeof CONTROL_KEYS)[number];

/** transfer.py's choices for --blur_strength and --canny_threshold (cosmos-transfer1.md §1.2, fact 14). */
export const PRESET_LEVELS = ['very_low', 'low', 'medium', 'high', 'very_high'] as const;
export type PresetLevel = (typeof PRESET_LEVELS)[number];

export type ControlWeights = Record<ControlKey, number>;

export interface InferenceConfig {
  /** 0 turns a control off. No sum rule: the model itself normalises sums above 1 (§2.4). */
  weights: ControlWeights;
  numSteps: number;
  guidance: number;
  seed: number;
  fps: number;
  sigmaMax: number;
  blurStrength: PresetLevel;
  cannyThreshold: PresetLevel;
}

export interface UpscaleConfig {
  controlWeight: number;
  /** Null: the model's own default prompt (§4). */
  prompt: string | null;
}

export const ENHANCE_MODELS = ['pixtral'] as const;
export type EnhanceModel = (typeof ENHANCE_MODELS)[number];

/** What becomes of the upsampled text: a new `<name>_enhanced` prompt, or the prompt's own text replaced. */
export const ENHANCE_MODES = ['create_new', 'overwrite'] as const;
export type EnhanceMode = (typeof ENHANCE_MODES)[number];

export interface EnhanceConfig {
  model: EnhanceModel;
  mode: EnhanceMode;
}

/**
 * transfer.py's own CLI defaults (cosmos-transfer1.md §1.2, fact 16), except the weights: the
 * model defaults a missing weight to 0.5, ours is 0.25 for each of the four controls, as the
 * predecessor's single spec had it. Guidance is the code's 5, not the docs' 7.
 */
export const DEFAULT_INFERENCE_CONFIG: InferenceConfig = {
  weights: { vis: 0.25, edge: 0.25, depth: 0.25, seg: 0.25 },
  numSteps: 35,
  guidance: 5,
  seed: 1,
  fps: 24,
  sigmaMax: 70,
  blurStrength: 'medium',
  cannyThreshold: 'medium',
};

/** The upscaler documentation's weight (§4). */
export const DEFAULT_UPSCALE_CONFIG: UpscaleConfig = { controlWeight: 0.5, prompt: null };

export const DEFAULT_ENHANCE_CONFIG: EnhanceConfig = { model: 'pixtral', mode: 'create_new' };

/**
 * What users send. Absent and null both mean "the default": GraphQL sends null for optional
 * fields left out. Run configs arrive as free records, hence the second member.
 */
export type InferenceConfigInput =
  | {
      readonly weights?: Partial<ControlWeights> | null;
      readonly numSteps?: number | null;
      readonly guidance?: number | null;
      readonly seed?: number | null;
      readonly fps?: number | null;
      readonly sigmaMax?: number | null;
      readonly blurStrength?: PresetLevel | null;
      readonly cannyThreshold?: PresetLevel | null;
    }
  | Readonly<Record<string, unknown>>;

export type UpscaleConfigInput = { readonly controlWeight?: number | null; readonly prompt?: string | null } | Readonly<Record<string, unknown>>;

export type EnhanceConfigInput = { readonly model?: EnhanceModel | null; readonly mode?: EnhanceMode | null } | Readonly<Record<string, unknown>>;

/** Fills defaults and checks every field, reporting all problems at once. */
export function resolveInferenceConfig(input: InferenceConfigInput): InferenceConfig {
  const reader = new FieldReader(input, 'input', Object.keys(DEFAULT_INFERENCE_CONFIG));
  const weights = resolveWeights(input.weights, reader.problems);
  const config: InferenceConfig = {
    weights,
    numSteps: reader.number('numSteps', DEFAULT_INFERENCE_CONFIG.numSteps, { min: 1, max: 100, integer: true }),
    guidance: reader.number('guidance', DEFAULT_INFERENCE_CONFIG.guidance, { min: 1, max: 20 }),
    seed: reader.number('seed', DEFAULT_INFERENCE_CONFIG.seed, { min: 0, integer: true }),
    fps: reader.number('fps', DEFAULT_INFERENCE_CONFIG.fps, { min: 1, max: 60, integer: true }),
    // At 80 and above the input video is pure noise and only the controls steer (§1.2).
    sigmaMax: reader.number('sigmaMax', DEFAULT_INFERENCE_CONFIG.sigmaMax, { min: 0, max: 80 }),
    blurStrength: reader.oneOf('blurStrength', DEFAULT_INFERENCE_CONFIG.blurStrength, PRESET_LEVELS),
    cannyThreshold: reader.oneOf('cannyThreshold', DEFAULT_INFERENCE_CONFIG.cannyThreshold, PRESET_LEVELS),
  };
  return reader.result(config);
}

export function resolveUpscaleConfig(input: UpscaleConfigInput): UpscaleConfig {
  const reader = new FieldReader(input, 'input', Object.keys(DEFAULT_UPSCALE_CONFIG));
  const controlWeight = reader.number('controlWeight', DEFAULT_UPSCALE_CONFIG.controlWeight, { min: 0, max: 1 });
  let prompt: string | null = null;
  const raw = reader.value('prompt');
  if (typeof raw === 'string') {
    const problem = promptTextProblem(raw, false);
    if (problem !== null) reader.problems.push({ field: 'input.prompt', problem });
    prompt = raw;
  } else if (raw !== undefined) {
    reader.problems.push({ field: 'input.prompt', problem: `must be text or null (got ${JSON.stringify(raw)})` });
  }
  return reader.result({ controlWeight, prompt });
}

export function resolveEnhanceConfig(input: EnhanceConfigInput): EnhanceConfig {
  const reader = new FieldReader(input, 'input', Object.keys(DEFAULT_ENHANCE_CONFIG));
  return reader.result({
    model: reader.oneOf('model', DEFAULT_ENHANCE_CONFIG.model, ENHANCE_MODELS),
    mode: reader.oneOf('mode', DEFAULT_ENHANCE_CONFIG.mode, ENHANCE_MODES),
  });
}

function resolveWeights(raw: unknown, problems: FieldProblem[]): ControlWeights {
  if (raw === undefined || raw === null) return { ...DEFAULT_INFERENCE_CONFIG.weights };
  if (!isRecord(raw)) {
    problems.push({ field: 'input.weights', problem: `must be an object of weights for ${CONTROL_KEYS.join(', ')} (got ${JSON.stringify(raw)})` });
    return { ...DEFAULT_INFERENCE_CONFIG.weights };
  }
  const reader = new FieldReader(raw, 'input.weights', CONTROL_KEYS);
  const weights = {} as ControlWeights;
  for (const key of CONTROL_KEYS) weights[key] = reader.number(key, DEFAULT_INFERENCE_CONFIG.weights[key], { min: 0, max: 1 });
  problems.push(...reader.problems);
  // Without any control the model loads no ControlNet and fails downstream (fact 3).
  if (reader.problems.length === 0 && CONTROL_KEYS.every((key) => weights[key] === 0)) {
    problems.push({ field: 'input.weights', problem: `at least one control needs a weight above 0 (0 turns a control off): ${CONTROL_KEYS.join(', ')}` });
  }
  return weights;
}

interface NumberRule {
  min: number;
  max?: number;
  integer?: boolean;
}

/**
 * Reads one level of a config record at the JSON boundary with `typeof` guards. Unknown keys are
 * problems, not ignored: the predecessor silently dropped misspelt settings (`guidance_scale`),
 * so the model ran with defaults the user never chose (predecessor.md §9.1.4).
 */
class FieldReader {
  readonly problems: FieldProblem[] = [];
  private readonly record: Readonly<Record<string, unknown>>;

  constructor(
    record: object,
    private readonly prefix: string,
    known: readonly string[],
  ) {
    this.record = record as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(this.record)) {
      if (!known.includes(key)) this.problems.push({ field: this.field(key), problem: `is not a known setting; known: ${known.join(', ')}` });
    }
  }

  /** Undefined when absent or null. */
  value(key: string): unknown {
    const value = this.record[key];
    return value === null ? undefined : value;
  }

  number(key: string, fallback: number, rule: NumberRule): number {
    const value = this.value(key);
    if (value === undefined) return fallback;
    const inRange = typeof value === 'number' && Number.isFinite(value) && value >= rule.min && (rule.max === undefined || value <= rule.max);
    if (inRange && (!rule.integer || Number.isSafeInteger(value))) return value;
    const kind = rule.integer ? 'a whole number' : 'a number';
    const range = rule.max === undefined ? `≥ ${rule.min}` : `from ${rule.min} to ${rule.max}`;
    this.problems.push({ field: this.field(key), problem: `must be ${kind} ${range} (got ${JSON.stringify(value)})` });
    return fallback;
  }

  oneOf<T extends string>(key: string, fallback: T, choices: readonly T[]): T {
    const value = this.value(key);
    if (value === undefined) return fallback;
    if (typeof value === 'string' && (choices as readonly string[]).includes(value)) return value as T;
    this.problems.push({ field: this.field(key), problem: `must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})` });
    return fallback;
  }

  result<T>(value: T): T {
    if (this.problems.length > 0) throw new InvalidInput(this.problems);
    return value;
  }

  private field(key: string): string {
    return `${this.prefix}.${key}`;
  }
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
