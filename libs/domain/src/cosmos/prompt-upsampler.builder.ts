import type { PromptInputs } from '../prompt/prompt.events.js';
import { type EnhanceConfig, resolveEnhanceConfig } from './inference-config.js';
import {
  CHECKPOINT_DIR,
  inContainer,
  jsonFile,
  type RemoteFile,
  type RemoteUpload,
  runDir,
  runOutputDir,
  runUpsamplerBatchPath,
  UPSAMPLER_SCRIPT,
  upsamplerResultsPath,
} from './remote-layout.js';
import { colorUpload } from './run-inputs.js';
import { MODEL_ENV, type ModelCommand, torchrunArgs } from './transfer-command.js';

/** One entry of the upsampler's batch file (predecessor.md §2.4). */
export interface UpsamplerBatchItem {
  name: string;
  prompt: string;
  /** Relative to the container's working directory, where the file was uploaded. */
  video_path: string;
}

export interface EnhanceRequest {
  runId: string;
  prompt: { text: string; inputs: PromptInputs };
  config: EnhanceConfig;
}

export interface EnhanceLaunch extends ModelCommand {
  batch: UpsamplerBatchItem[];
  files: RemoteFile[];
  uploads: RemoteUpload[];
  /** batch_results.json: read it with `parseUpsamplerResult`. */
  resultsPath: string;
}

/**
 * Pixtral-12B prompt upsampling (cosmos-transfer1.md §5), the only upsampler the model ships.
 * The prompt goes in a batch file rather than `--prompt` so user text never reaches the remote
 * shell. The video path is the container-relative path of this run's upload; the predecessor
 * sent the local path of a file it had uploaded elsewhere (predecessor.md §9.1.14).
 */
export function buildUpsamplerBatch(request: EnhanceRequest): EnhanceLaunch {
  const { runId } = request;
  // Pixtral is the only choice today, so the config is checked but changes nothing in the launch.
  resolveEnhanceConfig(request.config);
  const video = colorUpload(runId, request.prompt.inputs);
  // An empty prompt is fine: the upsampler then asks Pixtral to describe the frames (§5).
  const batch: UpsamplerBatchItem[] = [{ name: runId, prompt: request.prompt.text, video_path: video.to }];
  const batchPath = runUpsamplerBatchPath(runId);
  return {
    batch,
    files: [jsonFile(batchPath, batch)],
    uploads: [video],
    resultsPath: upsamplerResultsPath(runId),
    // vLLM runs with tensor_parallel_size=1 and reads torchrun's RANK, so one process under
    // torchrun (§5, fact 18). The process is started directly: no `| tee` whose exit status
    // hides the upsampler's, as the predecessor's always-0 enhancement did (§9.1.6).
    args: torchrunArgs({ numGpus: 1 }, UPSAMPLER_SCRIPT, [
      '--batch',
      batchPath,
      '--output-dir',
      runOutputDir(runId),
      '--checkpoint-dir',
      CHECKPOINT_DIR,
    ]),
    // The upsampler extracts frames to $TMPDIR/frame_1.png and frame_2.png, fixed names that
    // concurrent jobs would overwrite (fact 26); the run's folder exists once the batch file is in it.
    env: { ...MODEL_ENV, TMPDIR: inContainer(runDir(runId)) },
  };
}

export type UpsamplerResult =
  | { status: 'upsampled'; text: string }
  /** The upsampler ran and reported this prompt as failed. */
  | { status: 'failed'; message: string }
  /** No usable result: the file is missing its entry, malformed, or empty. */
  | { status: 'unreadable'; message: string };

/**
 * Reads batch_results.json: a list of `{name, original_prompt, upsampled_prompt, video_path,
 * success: true}` or `{…, success: false, error}` (predecessor.md §2.4). An absent or empty
 * result is never success: the process's exit status alone does not prove the text exists.
 */
export function parseUpsamplerResult(jsonText: string, runId: string): UpsamplerResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(jsonText);
  } catch (error) {
    return { status: 'unreadable', message: `batch_results.json is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(parsed)) return { status: 'unreadable', message: 'batch_results.json must be a list of results' };
  const entry: unknown = parsed.find((item: unknown) => isRecord(item) && item['name'] === runId);
  if (!isRecord(entry)) return { status: 'unreadable', message: `batch_results.json has no result named ${runId}` };

  if (entry['success'] !== true) {
    const error = typeof entry['error'] === 'string' && entry['error'].trim() !== '' ? entry['error'].trim() : 'no error message given';
    return { status: 'failed', message: `the prompt upsampler failed: ${error}` };
  }
  const text = entry['upsampled_prompt'];
  if (typeof text !== 'string' || text.trim() === '') {
    return { status: 'unreadable', message: `the result for ${runId} reports success but has no upsampled_prompt text` };
  }
  return { status: 'upsampled', text: text.trim() };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
