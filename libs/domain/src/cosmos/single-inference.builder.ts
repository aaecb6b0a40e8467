import type { ControlnetSpec, HintSpec } from './controlnet-spec.js';
import { type InferenceConfig, resolveInferenceConfig } from './inference-config.js';
import {
  jsonFile,
  type ModelOutputFiles,
  type RemoteFile,
  type RemoteUpload,
  runInputVideo,
  runSpecPath,
  SINGLE_OUTPUT_NAME,
  singleOutputFiles,
} from './remote-layout.js';
import { activeControls, type PromptForModel, providedControl, requirePromptText, runUploads } from './run-inputs.js';
import {
  DEFAULT_GPU_LAUNCH,
  executionSettings,
  type GpuLaunch,
  MODEL_ENV,
  type ModelCommand,
  settingsArgs,
  transferArgs,
} from './transfer-command.js';

export interface InferenceRequest {
  runId: string;
  prompt: PromptForModel;
  config: InferenceConfig;
  launch?: GpuLaunch;
}

/** Everything the worker needs for one run: what to upload and write, what to start, where the result lands. */
export interface InferenceLaunch extends ModelCommand {
  spec: ControlnetSpec;
  files: RemoteFile[];
  uploads: RemoteUpload[];
  outputs: ModelOutputFiles;
}

/** One prompt, one video: transfer.py in single mode (cosmos-transfer1.md §1). */
export function buildInferenceSpec(request: InferenceRequest): InferenceLaunch {
  const { runId, prompt } = request;
  // Re-resolving is idempotent and keeps the invariants (ranges, one control on) whoever built the config.
  const config = resolveInferenceConfig(request.config);
  const controls = activeControls(config.weights);
  const settings = executionSettings(config);

  // The prompt and negative prompt travel only inside the JSON: they may hold anything, a
  // leading '-' would read as a flag, and user text never reaches the remote shell
  // (only quoted argv does). With no `--prompt` token in argv, the model applies the JSON values.
  const spec: ControlnetSpec = {
    prompt: requirePromptText(prompt.text, 'prompt.text'),
    negative_prompt: prompt.negativePrompt,
    input_video_path: runInputVideo(runId, 'color'),
    ...settings,
  };
  for (const key of controls) {
    const hint: HintSpec = { control_weight: config.weights[key] };
    // Without input_control the model generates the control from the input video (§2.3).
    const provided = providedControl(runId, prompt.inputs, key);
    if (provided !== null) hint.input_control = provided.to;
    spec[key] = hint;
  }

  const specPath = runSpecPath(runId);
  const outputs = singleOutputFiles(runId);
  return {
    spec,
    files: [jsonFile(specPath, spec)],
    uploads: runUploads(runId, prompt.inputs, controls),
    outputs,
    args: transferArgs(request.launch ?? DEFAULT_GPU_LAUNCH, {
      outputDir: outputs.dir,
      specPath,
      modeArgs: ['--video_save_name', SINGLE_OUTPUT_NAME, ...settingsArgs(settings)],
    }),
    env: { ...MODEL_ENV },
  };
}
