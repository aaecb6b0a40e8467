import { buildBatchSpec, buildInferenceSpec, type FieldProblem, type InferenceConfig, InvalidInput, type PromptForModel, PromptNotFound, promptTextProblem, resolveInferenceConfig, sanitizePromptText } from '../../../../libs/domain/src/index.js';
import type { CatalogQueries, PromptDoc } from '../../../../libs/read-models/src/index.js';
import type { RequestInferenceInput } from './request-inference.input.js';
import { collectConfig, definedOnly, type GpuDefault, jobOptions, toDryRun } from './job-options.js';
import type { DryRun } from './requests.results.js';

/** A request that passed every check, before anything is written. */
export interface CheckedInferenceRequest {
  readonly prompts: readonly PromptDoc[];
  readonly config: InferenceConfig;
  /** The request's negative prompt for every run, instead of each prompt's; null keeps theirs. */
  readonly negativePrompt: string | null;
  readonly priority: number;
  readonly idempotencyKey: string | null;
  readonly numGpus: number;
}

/**
 * Every problem of the input at once (config ranges from the one config loader, priority and key
 * from the job rules), then the prompts: all before the first write, so a refused request leaves
 * no reserved key or half-queued job behind.
 */
export async function checkInferenceRequest(input: RequestInferenceInput, catalog: CatalogQueries, gpus: GpuDefault): Promise<CheckedInferenceRequest> {
  const problems: FieldProblem[] = [];
  const config = collectConfig(() => resolveInferenceConfig(configInput(input)), problems);
  const { priority, idempotencyKey, numGpus } = jobOptions(input, problems, gpus);
  const negative = input.negativePrompt ?? null;
  const negativeProblem = negative === null ? null : promptTextProblem(negative, true);
  if (negativeProblem !== null) problems.push({ field: 'input.negativePrompt', problem: negativeProblem });
  if (problems.length > 0 || config === null) throw new InvalidInput(problems);

  const prompts: PromptDoc[] = [];
  for (const [index, promptId] of input.promptIds.entries()) {
    const prompt = await catalog.prompt(promptId);
    if (prompt === null) throw new PromptNotFound(promptId);
    if (prompt.modelType !== 'transfer') {
      throw new InvalidInput([{ field: `input.promptIds[${index}]`, problem: `prompt ${promptId} is for the ${prompt.modelType} model; inference runs Cosmos Transfer` }]);
    }
    prompts.push(prompt);
  }
  return { prompts, config, negativePrompt: negative === null ? null : sanitizePromptText(negative), priority, idempotencyKey, numGpus };
}

/** Only the settings the user named: the loader fills the rest and refuses anything it does not know. */
function configInput(input: RequestInferenceInput): Record<string, unknown> {
  const weights = input.weights && definedOnly({ vis: input.weights.vis, edge: input.weights.edge, depth: input.weights.depth, seg: input.weights.seg });
  const { numSteps, guidance, seed, fps, sigmaMax, blurStrength, cannyThreshold } = input;
  return definedOnly({ weights, numSteps, guidance, seed, fps, sigmaMax, blurStrength, cannyThreshold });
}

/** What the model gets of a prompt: its text and inputs, and the request's negative prompt if it named one. */
export function promptForModel(prompt: PromptDoc, negativePrompt: string | null = null): PromptForModel {
  return { text: prompt.text, negativePrompt: negativePrompt ?? prompt.negativePrompt, inputs: prompt.inputs };
}

/** The same builders the executors use, so the answer is what a node would receive. */
export function dryRun(request: CheckedInferenceRequest, jobId: string, runIds: readonly string[]): DryRun {
  const { prompts, config, negativePrompt, numGpus } = request;
  const launch =
    prompts.length === 1
      ? buildInferenceSpec({ runId: runIds[0]!, prompt: promptForModel(prompts[0]!, negativePrompt), config, launch: { numGpus } })
      : buildBatchSpec({ jobId, runs: prompts.map((prompt, index) => ({ runId: runIds[index]!, prompt: promptForModel(prompt, negativePrompt), config })), launch: { numGpus } });
  return toDryRun(launch, runIds);
}
