import { type JobWork, type OutputFile, type PromptForModel, resolveEnhanceConfig, resolveInferenceConfig, resolveUpscaleConfig, type RunWork } from '../../../../libs/domain/src/index.js';
import { asExecutionFailure, BatchInferenceExecutor, type ContainerExecution, EnhanceExecutor, ExecutionFailure, SingleInferenceExecutor, UpscaleExecutor } from '../../../../libs/gpu/src/index.js';
import type { RunFailure } from './job-ledger.js';

export type RunOutcome =
  | { readonly runId: string; readonly status: 'completed'; readonly outputs: readonly OutputFile[]; readonly enhancedText: string | null }
  | { readonly runId: string; readonly status: 'failed'; readonly failure: RunFailure };

const single = new SingleInferenceExecutor();
const batch = new BatchInferenceExecutor();
const upscale = new UpscaleExecutor();
const enhance = new EnhanceExecutor();

/** The node stopped answering mid-job: its container may be fine, so the job is recovered, not failed. */
export class NodeContactLost extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NodeContactLost';
  }
}

/**
 * Runs a claimed job's container through the executor of its kind and answers per run. Typed
 * failures become run outcomes, except a lost SSH connection (NodeContactLost); anything else is
 * thrown for the caller.
 */
export async function executeWorkload(work: JobWork, request: ContainerExecution): Promise<RunOutcome[]> {
  const outcomes = await outcomesOf(work, request);
  for (const outcome of outcomes) {
    if (outcome.status === 'failed' && outcome.failure.reason === 'SSH_FAILURE') throw new NodeContactLost(outcome.failure.message);
  }
  return outcomes;
}

async function outcomesOf(work: JobWork, request: ContainerExecution): Promise<RunOutcome[]> {
  const runs = work.runs;
  try {
    switch (work.kind) {
      case 'inference': {
        const run = only(runs);
        const result = await single.execute({ ...request, run: { runId: run.runId, prompt: forModel(run.prompt), config: resolveInferenceConfig(run.config) } });
        return [{ runId: run.runId, status: 'completed', outputs: result.outputs, enhancedText: null }];
      }
      case 'batch_inference': {
        const requests = runs.map((run) => ({ runId: run.runId, prompt: forModel(run.prompt), config: resolveInferenceConfig(run.config) }));
        const results = await batch.execute({ ...request, runs: requests });
        return results.map((result) =>
          result.status === 'succeeded'
            ? { runId: result.runId, status: 'completed', outputs: result.outputs, enhancedText: null }
            : { runId: result.runId, status: 'failed', failure: failureOf(result.failure) },
        );
      }
      case 'upscale': {
        const run = only(runs);
        if (work.upscale === null) throw new ExecutionFailure('VALIDATION', 'the source run has no output video to upscale');
        const result = await upscale.execute({ ...request, run: { runId: run.runId, source: work.upscale.video, config: resolveUpscaleConfig(run.config) } });
        return [{ runId: run.runId, status: 'completed', outputs: result.outputs, enhancedText: null }];
      }
      case 'enhance': {
        const run = only(runs);
        const result = await enhance.execute({
          ...request,
          run: { runId: run.runId, prompt: { text: run.prompt.text, inputs: run.prompt.inputs }, config: resolveEnhanceConfig(run.config) },
        });
        return [{ runId: run.runId, status: 'completed', outputs: result.outputs, enhancedText: result.enhancedText }];
      }
    }
  } catch (error) {
    const failure = asExecutionFailure(error);
    if (!(failure instanceof ExecutionFailure)) throw failure;
    return runs.map(({ runId }) => ({ runId, status: 'failed', failure: failureOf(failure) }));
  }
}

export function failureOf(failure: ExecutionFailure): RunFailure {
  return { reason: failure.reason, message: failure.message, exitCode: failure.exitCode };
}

function forModel(prompt: RunWork['prompt']): PromptForModel {
  return { text: prompt.text, negativePrompt: prompt.negativePrompt, inputs: prompt.inputs };
}

function only(runs: readonly RunWork[]): RunWork {
  if (runs.length !== 1) throw new ExecutionFailure('VALIDATION', `a single-run job holds ${runs.length} runs`);
  return runs[0]!;
}
