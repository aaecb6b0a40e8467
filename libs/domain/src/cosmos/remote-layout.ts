import { InvalidInput } from '../shared/domain-error.js';
import { HINT_KEYS, type HintKey } from './controlnet-spec.js';

/**
 * Where everything lives in a GPU node's remote dir. The remote dir is the cosmos-transfer1
 * checkout, mounted at /workspace and used as the container's working directory, because
 * transfer.py must run from the repo root (cosmos-transfer1.md §1.1). Paths here are posix and
 * relative to it, so the same string works in specs, in argv and (via `onHost`) over SFTP.
 *
 * Each run and each batch job owns its folders, never shared: the predecessor wiped
 * `outputs/run_*` before every job and reused fixed batch file names, so concurrent or retried
 * jobs destroyed each other's files (predecessor.md §9.1.7). Run ids (`rs_…`) and job ids
 * (`job_…`) have distinct prefixes, so `outputs/<runId>` and `outputs/<jobId>` cannot collide.
 */
export const CONTAINER_ROOT = '/workspace';

/** transfer.py's default `--checkpoint_dir`, under the repo root. */
export const CHECKPOINT_DIR = 'checkpoints';

/** Our batch wrapper around the Pixtral upsampler, shipped into the remote dir by the worker. */
export const UPSAMPLER_SCRIPT = 'scripts/prompt_upsampler.py';

/** transfer.py's default `--video_save_name`; we still pass it so the output name never depends on a default. */
export const SINGLE_OUTPUT_NAME = 'output';

/**
 * Uploaded videos are named by their role, not their source basename: the predecessor flattened
 * inputs by basename into one folder, where two inputs with the same name collided.
 */
export const INPUT_VIDEO_ROLES = ['color', 'depth', 'segmentation', 'source'] as const;
export type InputVideoRole = (typeof INPUT_VIDEO_ROLES)[number];

/** A file on this side: relative to the service's inputs root or outputs root. */
export interface LocalFile {
  root: 'inputs' | 'outputs';
  path: string;
}

/** A local file the worker uploads before launching; `to` is relative to the remote dir. */
export interface RemoteUpload {
  from: LocalFile;
  to: string;
}

/** A file the worker writes into the remote dir, with its exact text. */
export interface RemoteFile {
  path: string;
  text: string;
}

export function runDir(runId: string): string {
  return `runs/${safeId(runId, 'runId')}`;
}

export function runInputsDir(runId: string): string {
  return `${runDir(runId)}/inputs`;
}

export function runInputVideo(runId: string, role: InputVideoRole): string {
  return `${runInputsDir(runId)}/${role}.mp4`;
}

export function runSpecPath(runId: string): string {
  return `${runDir(runId)}/spec.json`;
}

export function runUpsamplerBatchPath(runId: string): string {
  return `${runDir(runId)}/upsampler_batch.json`;
}

export function jobDir(jobId: string): string {
  return `jobs/${safeId(jobId, 'jobId')}`;
}

export function jobBatchJsonlPath(jobId: string): string {
  return `${jobDir(jobId)}/batch.jsonl`;
}

export function jobBaseSpecPath(jobId: string): string {
  return `${jobDir(jobId)}/base_spec.json`;
}

/** `--video_save_folder` of single inference, upscale and enhance runs. */
export function runOutputDir(runId: string): string {
  return `outputs/${safeId(runId, 'runId')}`;
}

/** `--video_save_folder` of a batch job; the model adds `video_<i>/` per JSONL line (§3). */
export function jobOutputDir(jobId: string): string {
  return `outputs/${safeId(jobId, 'jobId')}`;
}

export interface ModelOutputFiles {
  dir: string;
  video: string;
  /** The final prompt as the model used it. */
  promptText: string;
}

/** Single mode writes `<video_save_name>.mp4` and `.txt` (§1.4). */
export function singleOutputFiles(runId: string): ModelOutputFiles {
  const dir = runOutputDir(runId);
  return { dir, video: `${dir}/${SINGLE_OUTPUT_NAME}.mp4`, promptText: `${dir}/${SINGLE_OUTPUT_NAME}.txt` };
}

/** Batch mode ignores `--video_save_name` and writes `prompt.txt`, not `output.txt` (§3). */
export function batchLineOutputFiles(jobId: string, line: number): ModelOutputFiles {
  if (!(Number.isSafeInteger(line) && line >= 0)) {
    throw new InvalidInput([{ field: 'line', problem: `must be a whole number ≥ 0 (got ${line})` }]);
  }
  const dir = `${jobOutputDir(jobId)}/video_${line}`;
  return { dir, video: `${dir}/output.mp4`, promptText: `${dir}/prompt.txt` };
}

/** Where our upsampler wrapper writes its per-batch results (predecessor.md §2.4). */
export function upsamplerResultsPath(runId: string): string {
  return `${runOutputDir(runId)}/batch_results.json`;
}

/**
 * The hint of an auto-generated control video the model left next to its output, or null. Names
 * carry the rank since commit 6ea5283 and had none before, so both forms match (§1.4, fact 25).
 */
export function controlOutputHint(fileName: string): HintKey | null {
  const match = /^([a-z]+)_input_control(?:_\d+)?\.mp4$/.exec(fileName);
  const hint = match?.[1];
  return hint !== undefined && (HINT_KEYS as readonly string[]).includes(hint) ? (hint as HintKey) : null;
}

/** The same file as the container sees it. */
export function inContainer(relativePath: string): string {
  return `${CONTAINER_ROOT}/${relativePath}`;
}

/** The same file as SFTP sees it on the GPU host, under the node's configured remote dir. */
export function onHost(remoteDir: string, relativePath: string): string {
  return `${remoteDir.replace(/\/+$/, '')}/${relativePath}`;
}

/** A spec file as the model reads it: two-space JSON with a final newline. */
export function jsonFile(path: string, value: unknown): RemoteFile {
  return { path, text: `${JSON.stringify(value, null, 2)}\n` };
}

/** Ids become path segments; anything but a plain token could escape the run's folder. */
function safeId(id: string, field: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(id)) {
    throw new InvalidInput([{ field, problem: `must be letters, digits, '_' or '-' to be used as a folder name (got ${JSON.stringify(id)})` }]);
  }
  return id;
}
