import type { VideoFacts } from '../prompt/prompt.events.js';
import { type FieldProblem, InvalidInput } from '../shared/domain-error.js';
import type { BatchLine, ControlnetSpec, ControlOverride } from './controlnet-spec.js';
import { CONTROL_KEYS, type ControlKey, type InferenceConfig, resolveInferenceConfig } from './inference-config.js';
import {
  batchLineOutputFiles,
  jobBaseSpecPath,
  jobBatchJsonlPath,
  jobOutputDir,
  jsonFile,
  type ModelOutputFiles,
  type RemoteFile,
  type RemoteUpload,
  runInputVideo,
} from './remote-layout.js';
import { activeControls, type PromptForModel, providedControl, runUploads } from './run-inputs.js';
import {
  DEFAULT_GPU_LAUNCH,
  executionSettings,
  type GpuLaunch,
  MODEL_ARG_NAMES,
  MODEL_ENV,
  type ModelCommand,
  type SettingKey,
  settingsArgs,
  transferArgs,
} from './transfer-command.js';

/**
 * One model process per batch, so a crash or a guardrail block of one line can fail the others,
 * and with a batch size above 1 the model may write survivors into the wrong `video_<i>` folder
 * (cosmos-transfer1.md §3). Hence the recommended default of 1.
 */
export const DEFAULT_BATCH_SIZE = 1;

export interface BatchRunRequest {
  runId: string;
  prompt: PromptForModel;
  config: InferenceConfig;
}

export interface BatchRequest {
  jobId: string;
  /** In JSONL line order: run i's result is in `video_<i>`. */
  runs: readonly BatchRunRequest[];
  batchSize?: number;
  launch?: GpuLaunch;
}

export interface BatchLineOutput extends ModelOutputFiles {
  runId: string;
  line: number;
}

export interface BatchLaunch extends ModelCommand {
  baseSpec: ControlnetSpec;
  lines: BatchLine[];
  jsonl: string;
  files: RemoteFile[];
  uploads: RemoteUpload[];
  outputs: BatchLineOutput[];
}

/**
 * Several runs in one transfer.py invocation (§3). The model applies one set of plain args to
 * every line, so the runs must agree on all of them; the predecessor sent only the first run's
 * guidance and seed and silently dropped the rest (predecessor.md §9.1.2).
 */
export function buildBatchSpec(request: BatchRequest): BatchLaunch {
  const { jobId, runs } = request;
  const batchSize = request.batchSize ?? DEFAULT_BATCH_SIZE;
  const configs = resolveRunConfigs(runs);
  const [first, firstConfig] = [runs[0]!, configs[0]!];

  const problems = [...signatureProblems(runs, configs), ...batchSizeProblems(runs, batchSize)];
  runs.forEach((run, index) => {
    if (run.prompt.text.trim() === '') {
      problems.push({ field: `input.runs[${index}].prompt.text`, problem: 'is empty; each line needs its own prompt, the model never falls back to another' });
    }
  });
  if (problems.length > 0) throw new InvalidInput(problems);

  const settings = executionSettings(firstConfig);
  const controls = CONTROL_KEYS.filter((key) => configs.some((config) => config.weights[key] > 0));
  const baseSpec: ControlnetSpec = {
    negative_prompt: first.prompt.negativePrompt,
    // Never used for generation (each line brings visual_input), but the model's spec check
    // still needs a non-empty one while sigma_max < 80 (§3).
    input_video_path: runInputVideo(first.runId, 'color'),
    ...settings,
  };
  // Every line overrides every control, so these weights are never used; 0 makes a line that
  // somehow lacked its override run without that control rather than with someone else's weight.
  for (const key of controls) baseSpec[key] = { control_weight: 0 };

  const lines = runs.map((run, index) => batchLine(run, configs[index]!, controls));
  // JSON.stringify escapes '\n' and '\r', so each object stays on its one line; the model reads
  // every line with json.loads, so there is no blank line, and the final newline ends the last.
  const jsonl = lines.map((line) => JSON.stringify(line)).join('\n') + '\n';
  const specPath = jobBaseSpecPath(jobId);
  const jsonlPath = jobBatchJsonlPath(jobId);
  return {
    baseSpec,
    lines,
    jsonl,
    files: [jsonFile(specPath, baseSpec), { path: jsonlPath, text: jsonl }],
    uploads: runs.flatMap((run, index) => runUploads(run.runId, run.prompt.inputs, activeControls(configs[index]!.weights))),
    outputs: runs.map((run, line) => ({ runId: run.runId, line, ...batchLineOutputFiles(jobId, line) })),
    args: transferArgs(request.launch ?? DEFAULT_GPU_LAUNCH, {
      outputDir: jobOutputDir(jobId),
      specPath,
      modeArgs: ['--batch_input_path', jsonlPath, '--batch_size', String(batchSize), ...settingsArgs(settings)],
    }),
    env: { ...MODEL_ENV },
  };
}

/**
 * Overrides are shallow-merged into the base hint (§3), so each line states both keys of every
 * control: no line inherits another run's weight or control video.
 */
function batchLine(run: BatchRunRequest, config: InferenceConfig, controls: readonly ControlKey[]): BatchLine {
  const color = runInputVideo(run.runId, 'color');
  const overrides: Partial<Record<ControlKey, ControlOverride>> = {};
  for (const key of controls) {
    const weight = config.weights[key];
    if (weight > 0) {
      overrides[key] = { control_weight: weight, input_control: providedControl(run.runId, run.prompt.inputs, key)?.to ?? null };
    } else {
      // Off for this run, on for another. Pointing the control at the line's own colour video
      // skips generating it (SAM2 and DepthAnything are slow, and seg fails when nothing is
      // detected, §2.3); the video has the right length and shape, and weight 0 ignores it.
      overrides[key] = { control_weight: 0, input_control: color };
    }
  }
  return { visual_input: color, prompt: run.prompt.text, control_overrides: overrides };
}

function resolveRunConfigs(runs: readonly BatchRunRequest[]): InferenceConfig[] {
  if (runs.length === 0) throw new InvalidInput([{ field: 'input.runs', problem: 'a batch needs at least one run' }]);
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();
  const configs = runs.map((run, index) => {
    if (seen.has(run.runId)) problems.push({ field: `input.runs[${index}].runId`, problem: `${run.runId} is already in this batch` });
    seen.add(run.runId);
    try {
      return resolveInferenceConfig(run.config);
    } catch (error) {
      if (!(error instanceof InvalidInput)) throw error;
      problems.push(...error.details.fields.map((f) => ({ ...f, field: f.field.replace(/^input\./, `input.runs[${index}].config.`) })));
      return null;
    }
  });
  if (problems.length > 0) throw new InvalidInput(problems);
  return configs as InferenceConfig[];
}

/** Everything but the weights is one plain arg for the whole invocation, so all runs must agree. */
function signatureProblems(runs: readonly BatchRunRequest[], configs: readonly InferenceConfig[]): FieldProblem[] {
  const [first, firstConfig] = [runs[0]!, configs[0]!];
  const problems: FieldProblem[] = [];
  const differs = (index: number, field: string, what: string, value: unknown, expected: unknown) =>
    problems.push({
      field: `input.runs[${index}].${field}`,
      problem:
        `${what} is ${JSON.stringify(value)} but ${JSON.stringify(expected)} in ${first.runId}; one batch is one model invocation ` +
        `where ${what} applies to every line, so runs that differ in it cannot share a batch`,
    });
  runs.forEach((run, index) => {
    const config = configs[index]!;
    for (const key of Object.keys(MODEL_ARG_NAMES) as SettingKey[]) {
      if (config[key] !== firstConfig[key]) differs(index, `config.${key}`, key, config[key], firstConfig[key]);
    }
    if (run.prompt.negativePrompt !== first.prompt.negativePrompt) {
      differs(index, 'prompt.negativePrompt', 'the negative prompt', run.prompt.negativePrompt, first.prompt.negativePrompt);
    }
  });
  return problems;
}

/** Aspect buckets of transfer.py's VIDEO_RES_SIZE_INFO (§1.5), as width / height. */
const ASPECT_BUCKETS = [16 / 9, 4 / 3, 1, 3 / 4, 9 / 16];

/**
 * Lines of one model batch are concatenated into one tensor, so they need the same bucket and
 * frame count, or the run crashes (§3). With a batch size of 1 every line stands alone.
 */
function batchSizeProblems(runs: readonly BatchRunRequest[], batchSize: number): FieldProblem[] {
  if (!(Number.isSafeInteger(batchSize) && batchSize >= 1)) {
    return [{ field: 'input.batchSize', problem: `must be a whole number ≥ 1 (got ${batchSize})` }];
  }
  const problems: FieldProblem[] = [];
  runs.forEach((run, index) => {
    const leader = runs[index - (index % batchSize)]!;
    const [video, leading] = [run.prompt.inputs.color, leader.prompt.inputs.color];
    if (video.frames !== leading.frames || aspectBucket(video) !== aspectBucket(leading)) {
      problems.push({
        field: `input.runs[${index}].prompt.inputs.color`,
        problem:
          `${video.path} (${video.width}x${video.height}, ${video.frames} frames) cannot share a model batch of ${batchSize} with ` +
          `${leading.path} (${leading.width}x${leading.height}, ${leading.frames} frames): frame count and aspect bucket must match`,
      });
    }
  });
  return problems;
}

function aspectBucket(video: VideoFacts): number {
  const ratio = video.width / video.height;
  return ASPECT_BUCKETS.reduce((best, bucket) => (Math.abs(bucket - ratio) < Math.abs(best - ratio) ? bucket : best));
}
