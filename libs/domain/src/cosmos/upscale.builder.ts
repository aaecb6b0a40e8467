import { isRelativePosixPath } from '../naming/relative-path.js';
import { InvalidInput } from '../shared/domain-error.js';
import type { ControlnetSpec } from './controlnet-spec.js';
import { resolveUpscaleConfig, type UpscaleConfig } from './inference-config.js';
import {
  jsonFile,
  type LocalFile,
  type ModelOutputFiles,
  type RemoteFile,
  type RemoteUpload,
  runInputVideo,
  runSpecPath,
  SINGLE_OUTPUT_NAME,
  singleOutputFiles,
} from './remote-layout.js';
import { DEFAULT_GPU_LAUNCH, type GpuLaunch, MODEL_ENV, type ModelCommand, transferArgs } from './transfer-command.js';

/** The upscaler documentation's step count: each clip costs about 9 patch generations (cosmos-transfer1.md §4). */
export const UPSCALE_NUM_STEPS = 10;

export interface UpscaleRequest {
  runId: string;
  /** The video to upscale: usually a source run's output (outputs root), else a file under the inputs root. */
  source: LocalFile;
  config: UpscaleConfig;
  launch?: GpuLaunch;
}

export interface UpscaleLaunch extends ModelCommand {
  spec: ControlnetSpec;
  files: RemoteFile[];
  uploads: RemoteUpload[];
  outputs: ModelOutputFiles;
}

/**
 * The 4K upscaler is transfer.py with `upscale` as the only hint, reading the RGB input video
 * (§4). The source is uploaded into this run's own folder under a fixed name: the predecessor
 * read it from the parent run's remote folder under the name `output.mp4`, so upscaling an
 * upscale (`output_4k.mp4`) failed (predecessor.md §9.1.13).
 */
export function buildUpscaleSpec(request: UpscaleRequest): UpscaleLaunch {
  const { runId } = request;
  const config = resolveUpscaleConfig(request.config);
  if (!isRelativePosixPath(request.source.path)) {
    const problem = `must be relative to the ${request.source.root} root, with '/' separators and no '..' (got ${JSON.stringify(request.source.path)})`;
    throw new InvalidInput([{ field: 'input.source', problem }]);
  }
  const input = runInputVideo(runId, 'source');
  const spec: ControlnetSpec = { input_video_path: input, upscale: { control_weight: config.controlWeight } };
  // Without a prompt the model uses its own default; an empty one would reach the guardrail and T5 as is.
  const prompt = config.prompt?.trim() ?? '';
  if (prompt !== '') spec.prompt = prompt;

  const specPath = runSpecPath(runId);
  const outputs = singleOutputFiles(runId);
  return {
    spec,
    files: [jsonFile(specPath, spec)],
    uploads: [{ from: request.source, to: input }],
    outputs,
    args: transferArgs(request.launch ?? DEFAULT_GPU_LAUNCH, {
      outputDir: outputs.dir,
      specPath,
      // The model forces batch size 1 with `upscale` anyway; saying so keeps the log honest.
      modeArgs: ['--video_save_name', SINGLE_OUTPUT_NAME, '--num_steps', String(UPSCALE_NUM_STEPS), '--batch_size', '1'],
    }),
    env: { ...MODEL_ENV },
  };
}
