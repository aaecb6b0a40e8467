import { HINT_KEYS, type HintKey, isHintKey } from './controlnet-spec.js';
import { PRESET_LEVELS } from './inference-config.js';

/**
 * cosmos-transfer1's own checks of a controlnet spec and a batch file, with its messages, so a
 * simulated GPU host rejects exactly what the model rejects and the worker can pre-flight specs.
 * Sections (§) and numbered facts are those of our notes on the model's interface (its README,
 * transfer.py's arguments and its validation code), which are kept outside this repository; each
 * check here names what the model does, so the code reads without them.
 *
 * The model raises on its first problem; these collect them all, in the model's order, so
 * `errors[0]` is what the model would raise when it is one of the model's own checks. Checks the
 * model lacks but whose absence crashes it later (facts 3, 8, 12, 13, JSON types) follow them.
 */
export interface RuleReport {
  errors: string[];
  warnings: string[];
}

export interface ModelRuleOptions {
  isAvSample?: boolean;
  useDistilled?: boolean;
  saveInputNoise?: boolean;
  /** transfer.py's argv: a `--key value` token there wins over the spec's plain arg (§1.3). */
  argv?: readonly string[];
}

/** Python prints `valid_hint_keys`, a set, in hash order; source order is the stable rendering. */
const VALID_HINT_KEYS_TEXT = `{${HINT_KEYS.map((key) => `'${key}'`).join(', ')}}`;

const AV_HINTS: readonly HintKey[] = ['hdmap', 'lidar'];

/** transfer.py's CLI defaults for the plain args its spec check reads (§1.2). */
const CLI_DEFAULTS = { sigma_max: 70, input_video_path: '' };

type Check = (value: unknown) => string | null;

const text: Check = (value) => (typeof value === 'string' ? null : 'text');
const integer: Check = (value) => (typeof value === 'number' && Number.isInteger(value) ? null : 'an integer');
const number: Check = (value) => (typeof value === 'number' && Number.isFinite(value) ? null : 'a number');
const preset: Check = (value) => ((PRESET_LEVELS as readonly unknown[]).includes(value) ? null : `one of ${PRESET_LEVELS.join(', ')}`);

/**
 * Plain args are copied from the JSON without conversion (§1.3): `"seed": "1"` stays a string
 * and breaks `seed + k` much later, so wrong types are errors here.
 */
const PLAIN_ARG_TYPES: Readonly<Record<string, Check>> = {
  prompt: text,
  negative_prompt: text,
  input_video_path: (value) => (value === null || typeof value === 'string' ? null : 'a path'),
  num_steps: integer,
  guidance: number,
  sigma_max: number,
  seed: integer,
  fps: integer,
  blur_strength: preset,
  canny_threshold: preset,
  num_input_frames: (value) => (value === 1 ? null : '1 (transfer.py allows no other value)'),
};

export function validateControlnetSpec(spec: unknown, options: ModelRuleOptions = {}): RuleReport {
  const { isAvSample = false, useDistilled = false, saveInputNoise = false, argv = [] } = options;
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!isRecord(spec)) return { errors: [`The controlnet spec must be a JSON object (got ${describe(spec)})`], warnings };

  // load_controlnet_specs: hint keys become hints, other dicts are errors, the rest are plain args.
  const hints: [HintKey, unknown][] = [];
  const args: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (isHintKey(key)) hints.push([key, value]);
    else if (isRecord(value)) errors.push(`Invalid hint_key: ${key}. Must be one of ${VALID_HINT_KEYS_TEXT}`);
    else args[key] = value;
  }
  const effective = (key: keyof typeof CLI_DEFAULTS): unknown => {
    const cli = cliValue(argv, key);
    if (cli !== undefined) return key === 'sigma_max' ? pythonFloat(cli) : cli;
    return key in args ? args[key] : CLI_DEFAULTS[key];
  };
  const hasInputVideo = pythonTruthy(effective('input_video_path'));
  const sigmaMax = effective('sigma_max');

  // validate_controlnet_specs, per hint, in this order (§2.5).
  let sigmaReported = false;
  for (const [key, config] of hints) {
    if (!isRecord(config)) {
      errors.push(`${key} must be a JSON object of control settings (got ${describe(config)})`);
      continue;
    }
    if (!hasInputVideo && typeof sigmaMax === 'number' && sigmaMax < 80 && !sigmaReported) {
      errors.push("Must have 'input_video' specified if sigma_max < 80");
      sigmaReported = true;
    }
    // A key set to null counts as present here, as in Python's `in`.
    if (!hasInputVideo && !('input_control' in config)) {
      errors.push(`${key} controlnet must have 'input_control' video specified if no 'input_video' specified.`);
    }
    if (useDistilled && !('ckpt_path' in config) && key !== 'edge') {
      errors.push(`No default distilled checkpoint for ${key}. Users must specify ckpt_path in config.`);
    }
    if (!('control_weight' in config)) {
      warnings.push(`No control weight specified for ${key}. Setting to 0.5.`);
      continue;
    }
    // The inner "must be non-negative" error is swallowed by the model's `except ValueError`.
    const weight = weightValue(config['control_weight']);
    if (weight === null || weight < 0) errors.push(`Control weight for ${key} must be a valid non-negative float or a path to a .pt file.`);
  }

  const keys = hints.map(([key]) => key);
  const configs = hints.filter((hint): hint is [HintKey, Record<string, unknown>] => isRecord(hint[1]));
  if (hints.length === 0) {
    errors.push(`The spec has no hint: add at least one of ${HINT_KEYS.join(', ')}; the model does not check this but fails without one`);
  }

  // Upscale reads the RGB input video and runs alone (§4, fact 12).
  if (keys.includes('upscale')) {
    const others = keys.filter((key) => key !== 'upscale');
    if (others.length > 0) errors.push(`upscale must be the only hint (the spec also has ${others.join(', ')})`);
    if (!hasInputVideo) errors.push("upscale needs 'input_video_path': it upscales the input video and reads no input_control");
  }

  // hdmap and lidar are never generated and belong to the Sample-AV base model (fact 8).
  for (const [key, config] of configs) {
    if (AV_HINTS.includes(key)) {
      if (!nonEmptyText(config['input_control'])) {
        errors.push(`${key} controlnet must have 'input_control' video specified: ${key} is never generated from the input video`);
      }
      if (!isAvSample) errors.push(`${key} needs --is_av_sample: its checkpoint belongs to the Sample-AV base model`);
    } else {
      if (isAvSample) errors.push(`${key} cannot be used with --is_av_sample: it needs the general base model`);
      // Passes the model's `in` check, then fails when the generator finds no video (§2.3).
      if (!hasInputVideo && key !== 'upscale' && config['input_control'] === null) {
        errors.push(`${key} has 'input_control': null, which asks the model to generate it from the input video, but there is no 'input_video_path'`);
      }
    }
  }

  // The 1-step distilled edge model (fact 13).
  if (useDistilled) {
    if (hints.length !== 1) errors.push('Distilled model only supports single control input');
    if (isAvSample) errors.push('--use_distilled cannot be combined with --is_av_sample');
    if (saveInputNoise) errors.push('Saving input noise is not supported for distilled models');
    for (const key of ['guidance', 'num_steps', 'sigma_max']) {
      if (key in args || cliValue(argv, key) !== undefined) warnings.push(`With --use_distilled, ${key} is ignored`);
    }
  }

  for (const [key, config] of configs) {
    // Honoured for seg only since PR #182, though the docs show it on vis and edge (§2.3, fact 11).
    if (key !== 'seg' && 'control_weight_prompt' in config) {
      warnings.push(`control_weight_prompt is only honoured for seg; ${key} uses its scalar control_weight everywhere`);
    }
    if (key !== 'seg' && 'input_control_prompt' in config) warnings.push(`input_control_prompt is only used for seg; ignored for ${key}`);
    // With several controls a ckpt_path goes straight to torch.load, relative to the working directory (§2.2).
    if (hints.length > 1 && typeof config['ckpt_path'] === 'string' && !config['ckpt_path'].startsWith('/')) {
      warnings.push(`ckpt_path for ${key} is relative: with several controls it is resolved against the working directory, not checkpoint_dir`);
    }
  }

  for (const [key, value] of Object.entries(args)) {
    if (cliValue(argv, key) !== undefined) continue;
    const expected = Object.hasOwn(PLAIN_ARG_TYPES, key) ? PLAIN_ARG_TYPES[key]!(value) : null;
    if (expected !== null) errors.push(`${key} must be ${expected} (got ${describe(value)}): the model uses JSON values as they are`);
  }
  // Batch mode takes each line's prompt and ignores the spec's (§3).
  const prompt = cliValue(argv, 'prompt') ?? args['prompt'];
  if (typeof prompt === 'string' && prompt.trim() === '' && !argv.includes('--batch_input_path')) {
    errors.push('prompt must not be empty: the model sends it to the guardrail and T5 as it is');
  }
  return { errors, warnings };
}

/**
 * A batch file as transfer.py reads it (§3, fact 23): `json.loads(line.strip())` on every line of
 * the file, so a blank line crashes the run; overrides merge only into hints the spec already has.
 */
export function validateBatchLines(jsonlText: string, baseSpec: unknown): RuleReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const base = isRecord(baseSpec) ? baseSpec : {};
  if (!isRecord(baseSpec)) errors.push(`The base spec must be a JSON object (got ${describe(baseSpec)})`);

  const lines = fileLines(jsonlText);
  if (lines.length === 0) errors.push('The batch file has no lines: there is nothing to generate');
  for (const [index, raw] of lines.entries()) {
    const at = `Line ${index + 1}`;
    // Python opens the file as utf-8, not utf-8-sig, and strip() keeps a BOM.
    if (raw.startsWith('\uFEFF')) {
      errors.push(`${at}: starts with a byte-order mark, which json.loads rejects`);
      continue;
    }
    const line = pythonStrip(raw);
    if (line === '') {
      errors.push(`${at}: blank line; every line must be one JSON object (json.loads fails: Expecting value: line 1 column 1 (char 0))`);
      continue;
    }
    let item: unknown;
    try {
      item = JSON.parse(line);
    } catch (error) {
      errors.push(`${at}: not valid JSON (${(error as Error).message})`);
      continue;
    }
    if (!isRecord(item)) {
      errors.push(`${at}: must be a JSON object (got ${describe(item)})`);
      continue;
    }
    if (!nonEmptyText(item['visual_input'])) errors.push(`${at}: 'visual_input' must be the path of this line's RGB video`);
    // The model reads p.get("prompt") and never falls back to the spec's or the CLI's prompt.
    if (!nonEmptyText(item['prompt'])) errors.push(`${at}: 'prompt' must be non-empty text; the model uses no other prompt for this line`);
    overrideProblems(at, item['control_overrides'], base, errors, warnings);
  }
  return { errors, warnings };
}

/** `dict.update` of a copy of the spec's hint with each override; unknown hints are skipped with a warning. */
function overrideProblems(at: string, overrides: unknown, base: Record<string, unknown>, errors: string[], warnings: string[]): void {
  if (overrides === undefined) return;
  if (!isRecord(overrides)) {
    errors.push(`${at}: 'control_overrides' must be an object of hint dicts (got ${describe(overrides)})`);
    return;
  }
  for (const [key, override] of Object.entries(overrides)) {
    const hint = base[key];
    if (!isHintKey(key) || !isRecord(hint)) {
      warnings.push(`Ignoring unknown control key in override: ${key}`);
      continue;
    }
    if (!isRecord(override)) {
      errors.push(`${at}: the override of ${key} must be an object; it is merged into the spec's ${key} dict (got ${describe(override)})`);
      continue;
    }
    const merged = { ...hint, ...override };
    if ('control_weight' in merged) {
      // float() fails on these when the weights load; negative scalars are clamped instead (§2.4).
      const weight = weightValue(merged['control_weight']);
      if (weight === null) errors.push(`${at}: Control weight for ${key} must be a valid non-negative float or a path to a .pt file.`);
      else if (weight < 0) warnings.push(`${at}: control_weight for ${key} is negative; the model clamps it to 0`);
    }
    if (AV_HINTS.includes(key) && !nonEmptyText(merged['input_control'])) {
      errors.push(`${at}: ${key} controlnet must have 'input_control' video specified: ${key} is never generated from the input video`);
    }
  }
}

/**
 * What `float(weight)` makes of a control weight: a number (NaN counts, as `nan < 0` is false),
 * +Infinity for a `.pt` path, which is never converted, or null where Python raises.
 */
function weightValue(weight: unknown): number | null {
  if (typeof weight === 'string' && weight.endsWith('.pt')) return Number.POSITIVE_INFINITY;
  if (typeof weight === 'boolean') return weight ? 1 : 0;
  if (typeof weight === 'number') return weight;
  if (typeof weight === 'string') return pythonFloat(weight);
  return null;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const PYTHON_FLOAT = new RegExp(String.raw`^[+-]?(?:(?:${DIGITS})?\.${DIGITS}|${DIGITS}\.?)(?:[eE][+-]?${DIGITS})?$`);
const PYTHON_FLOAT_SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** Python's float(str): surrounding whitespace, '_' between digits, inf and nan are allowed; '' is not. */
function pythonFloat(raw: string): number | null {
  const value = pythonStrip(raw);
  const special = PYTHON_FLOAT_SPECIAL.exec(value);
  if (special) return special[2]!.toLowerCase() === 'nan' ? Number.NaN : (special[1] === '-' ? -1 : 1) * Number.POSITIVE_INFINITY;
  return PYTHON_FLOAT.test(value) ? Number(value.replace(/_/g, '')) : null;
}

/** str.strip() with no argument: Python's whitespace, which, unlike JavaScript's trim, excludes the BOM. */
function pythonStrip(value: string): string {
  const space = String.raw`[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]`;
  return value.replace(new RegExp(`^${space}+|${space}+$`, 'g'), '');
}

/** Iterating a text file: universal newlines end lines; a final terminator does not start another. */
function fileLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function cliValue(argv: readonly string[], key: string): string | undefined {
  const index = argv.lastIndexOf(`--${key}`);
  return index >= 0 ? argv[index + 1] : undefined;
}

function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

function nonEmptyText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
