import { buildUpscaleSpec, type FieldProblem, InvalidInput, type LocalFile, PromptNotFound, resolveUpscaleConfig, RunNotCompleted, RunNotFound, type UpscaleConfig } from '../../../../libs/domain/src/index.js';
import { InputFolderError, resolveInputVideoFile } from '../../../../libs/media/src/index.js';
import type { CatalogQueries } from '../../../../libs/read-models/src/index.js';
import { collectConfig, definedOnly, type GpuDefault, jobOptions, type JobOptions, toDryRun } from './job-options.js';
import type { RequestUpscaleInput } from './request-upscale.input.js';
import type { DryRun } from './requests.results.js';

/** An upscale that passed every check: its source resolved to a local file, nothing written yet. */
export interface CheckedUpscaleRequest extends JobOptions {
  readonly promptId: string;
  readonly sourceRunId: string | null;
  /** Relative to the inputs root, symlinks resolved. */
  readonly sourceVideo: string | null;
  readonly source: LocalFile;
  readonly config: UpscaleConfig;
}

/**
 * Input problems all at once, then the source, before the first write. A video source names its
 * prompt: runs always belong to a prompt, and guessing one (or creating one) for a loose file
 * would put the upscale in a lineage the user never chose.
 */
export async function checkUpscaleRequest(input: RequestUpscaleInput, catalog: CatalogQueries, inputsRoot: string, gpus: GpuDefault): Promise<CheckedUpscaleRequest> {
  const problems: FieldProblem[] = [];
  const config = collectConfig(() => resolveUpscaleConfig(definedOnly({ controlWeight: input.controlWeight, prompt: input.prompt })), problems);
  const options = jobOptions(input, problems, gpus);
  const sourceRunId = input.sourceRunId ?? null;
  const sourceVideo = input.sourceVideo ?? null;
  const promptId = input.promptId ?? null;
  const sources = [sourceRunId, sourceVideo].filter((source) => source !== null).length;
  if (sources !== 1) problems.push({ field: 'input.sourceRunId', problem: `name exactly one source, sourceRunId or sourceVideo (got ${sources})` });
  if (sourceVideo !== null && promptId === null) {
    problems.push({ field: 'input.promptId', problem: 'a video source needs the prompt the upscale run belongs to' });
  }
  if (sourceRunId !== null && promptId !== null) {
    problems.push({ field: 'input.promptId', problem: "a run source's upscale belongs to that run's prompt; leave promptId out" });
  }
  if (problems.length > 0 || config === null) throw new InvalidInput(problems);

  if (sourceRunId !== null) {
    const run = await catalog.run(sourceRunId);
    if (run === null) throw new RunNotFound(sourceRunId);
    if (run.status !== 'completed') throw new RunNotCompleted(sourceRunId, run.status, 'upscaled');
    const video = run.outputs.find((output) => output.kind === 'video' && !run.deletedOutputPaths.includes(output.path));
    if (video === undefined) {
      throw new InvalidInput([{ field: 'input.sourceRunId', problem: `run ${sourceRunId} has no output video to upscale (a ${run.kind} run, or its video was deleted)` }]);
    }
    return { ...options, config, promptId: run.promptId, sourceRunId, sourceVideo: null, source: { root: 'outputs', path: video.path } };
  }

  const prompt = await catalog.prompt(promptId!);
  if (prompt === null) throw new PromptNotFound(promptId!);
  let confined: string;
  try {
    confined = await resolveInputVideoFile(inputsRoot, sourceVideo!);
  } catch (error) {
    if (!(error instanceof InputFolderError)) throw error;
    throw new InvalidInput([{ field: 'input.sourceVideo', problem: error.message }]);
  }
  return { ...options, config, promptId: prompt.id, sourceRunId: null, sourceVideo: confined, source: { root: 'inputs', path: confined } };
}

/** The builder the upscale executor uses, so the answer is what a node would receive. */
export function upscaleDryRun(request: CheckedUpscaleRequest, runId: string): DryRun {
  return toDryRun(buildUpscaleSpec({ runId, source: request.source, config: request.config, launch: { numGpus: request.numGpus } }), [runId]);
}
