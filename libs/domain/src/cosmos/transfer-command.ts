import { InvalidInput } from '../shared/domain-error.js';
import type { ControlnetSpec } from './controlnet-spec.js';
import type { InferenceConfig } from './inference-config.js';
import { CHECKPOINT_DIR, CONTAINER_ROOT } from './remote-layout.js';

export const TRANSFER_SCRIPT = 'cosmos_transfer1/diffusion/inference/transfer.py';

/**
 * Context parallelism splits the 16 latent frames of a 121-frame chunk across GPUs, so only
 * these counts divide evenly (cosmos-transfer1.md §1.1, fact 17).
 */
export const GPU_COUNTS = [1, 2, 4, 8, 16] as const;

/** What the node, not the user, decides about a launch. */
export interface GpuLaunch {
  numGpus: number;
}

export const DEFAULT_GPU_LAUNCH: GpuLaunch = { numGpus: 1 };

/** A process for the worker to start in the container: argv parts, never a shell string. */
export interface ModelCommand {
  args: string[];
  env: Record<string, string>;
}

/** transfer.py reads config and auxiliary modules relative to the repo root, so PYTHONPATH must be it (§1.1). */
export const MODEL_ENV: Readonly<Record<string, string>> = { PYTHONPATH: CONTAINER_ROOT };

export type ExecutionSettings = Required<
  Pick<ControlnetSpec, 'num_steps' | 'guidance' | 'sigma_max' | 'seed' | 'fps' | 'blur_strength' | 'canny_threshold'>
>;

/** The config's settings other than weights, keyed to the model's plain arg names. */
export type SettingKey = Exclude<keyof InferenceConfig, 'weights'>;

/**
 * Every setting reaches the model under its own name; a config key added without a line here
 * fails to compile. The predecessor never sent several of them (predecessor.md §9.1.2).
 */
export const MODEL_ARG_NAMES = {
  numSteps: 'num_steps',
  guidance: 'guidance',
  sigmaMax: 'sigma_max',
  seed: 'seed',
  fps: 'fps',
  blurStrength: 'blur_strength',
  cannyThreshold: 'canny_threshold',
} as const satisfies Record<SettingKey, keyof ExecutionSettings>;

export function executionSettings(config: InferenceConfig): ExecutionSettings {
  const entries = Object.entries(MODEL_ARG_NAMES).map(([key, arg]) => [arg, config[key as SettingKey]]);
  return Object.fromEntries(entries) as ExecutionSettings;
}

/**
 * The same settings again as CLI tokens. They are also in the spec JSON, but a CLI token wins
 * over it (§1.3), so what the model runs with shows in `ps` and the log's command line. Each is
 * `--key` then `value`: with `--key=value` the token `--key` is not in argv and the JSON wins.
 */
export function settingsArgs(settings: ExecutionSettings): string[] {
  return Object.entries(settings).flatMap(([key, value]) => [`--${key}`, String(value)]);
}

export function torchrunArgs(launch: GpuLaunch, script: string, scriptArgs: readonly string[]): string[] {
  return ['torchrun', '--nproc_per_node', gpuCount(launch), '--nnodes', '1', '--node_rank', '0', script, ...scriptArgs];
}

/**
 * transfer.py under torchrun, which it needs even on one GPU (§1.1). The T5 encoder and the
 * guardrails are offloaded as the docs do on 80 GB cards (§6.4); guardrails still run.
 */
export function transferArgs(launch: GpuLaunch, options: { outputDir: string; specPath: string; modeArgs: readonly string[] }): string[] {
  return torchrunArgs(launch, TRANSFER_SCRIPT, [
    '--checkpoint_dir',
    CHECKPOINT_DIR,
    '--video_save_folder',
    options.outputDir,
    '--controlnet_specs',
    options.specPath,
    ...options.modeArgs,
    '--offload_text_encoder_model',
    '--offload_guardrail_models',
    // Must equal --nproc_per_node, or every rank does the whole job (§1.1).
    '--num_gpus',
    gpuCount(launch),
  ]);
}

function gpuCount(launch: GpuLaunch): string {
  if (!(GPU_COUNTS as readonly number[]).includes(launch.numGpus)) {
    throw new InvalidInput([{ field: 'launch.numGpus', problem: `must be one of ${GPU_COUNTS.join(', ')} (got ${launch.numGpus})` }]);
  }
  return String(launch.numGpus);
}
