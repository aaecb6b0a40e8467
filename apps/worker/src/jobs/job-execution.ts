import { type JobWork, type OutputFile, type PromptForModel, type RemoteUpload, resolveEnhanceConfig, resolveInferenceConfig, resolveUpscaleConfig, type RunWork } from '../../../../libs/domain/src/index.js';
import { asExecutionFailure, BatchInferenceExecutor, type ContainerExecution, EnhanceExecutor, ExecutionFailure, SingleInferenceExecutor, stageInputs, type StagingRequest, UpscaleExecutor } from '../../../../libs/gpu/src/index.js';
import type { RunFailure } from './job-ledger.js';

export type RunOutcome =
  | { readonly runId: string; readonly status: 'completed'; readonly outputs: readonly OutputFile[]; readonly enhancedText: string | null }
  | { readonly runId: string; readonly status: 'failed'; readonly failure: RunFailure };

const singleExecutor = new SingleInferenceExecutor();
const batchExecutor = new BatchInferenceExecutor();
const upscaleExecutor = new UpscaleExecutor();
const enhanceExecutor = new EnhanceExecutor();

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

/** A workload's executor with its request: what runs it, and what its container needs uploaded. */
interface KindExecution {
  readonly execute: () => Promise<RunOutcome[]>;
  readonly launch: () => { readonly uploads: readonly RemoteUpload[] };
}

function executionOf(work: JobWork, request: ContainerExecution): KindExecution {
  const runs = work.runs;
  switch (work.kind) {
    case 'inference': {
      const run = only(runs);
      const single = { ...request, run: { runId: run.runId, prompt: forModel(run.prompt), config: resolveInferenceConfig(run.config) } };
      return {
        execute: async () => [{ runId: run.runId, status: 'completed', outputs: (await singleExecutor.execute(single)).outputs, enhancedText: null }],
        launch: () => singleExecutor.launch(single),
      };
    }
    case 'batch_inference': {
      const requests = runs.map((run) => ({ runId: run.runId, prompt: forModel(run.prompt), config: resolveInferenceConfig(run.config) }));
      const batch = { ...request, runs: requests };
      return {
        execute: async () =>
          (await batchExecutor.execute(batch)).map((result) =>
            result.status === 'succeeded'
              ? { runId: result.runId, status: 'completed', outputs: result.outputs, enhancedText: null }
              : { runId: result.runId, status: 'failed', failure: failureOf(result.failure) },
          ),
        launch: () => batchExecutor.launch(batch),
      };
    }
    case 'upscale': {
      const run = only(runs);
      const source = work.upscale;
      const upscale = source === null ? null : { ...request, run: { runId: run.runId, source: source.video, config: resolveUpscaleConfig(run.config) } };
      const missing = () => new ExecutionFailure('VALIDATION', 'the source run has no output video to upscale');
      return {
        execute: async () => {
          if (upscale === null) throw missing();
          return [{ runId: run.runId, status: 'completed', outputs: (await upscaleExecutor.execute(upscale)).outputs, enhancedText: null }];
        },
        launch: () => (upscale === null ? { uploads: [] } : upscaleExecutor.launch(upscale)),
      };
    }
    case 'enhance': {
      const run = only(runs);
      const enhance = { ...request, run: { runId: run.runId, prompt: { text: run.prompt.text, inputs: run.prompt.inputs }, config: resolveEnhanceConfig(run.config) } };
      return {
        execute: async () => {
          const result = await enhanceExecutor.execute(enhance);
          return [{ runId: run.runId, status: 'completed', outputs: result.outputs, enhancedText: result.enhancedText }];
        },
        launch: () => enhanceExecutor.launch(enhance),
      };
    }
  }
}

async function outcomesOf(work: JobWork, request: ContainerExecution): Promise<RunOutcome[]> {
  try {
    return await executionOf(work, request).execute();
  } catch (error) {
    const failure = asExecutionFailure(error);
    if (!(failure instanceof ExecutionFailure)) throw failure;
    return work.runs.map(({ runId }) => ({ runId, status: 'failed', failure: failureOf(failure) }));
  }
}

/**
 * Uploads a queued job's input videos to the node before it is claimed there (see stageInputs).
 * A workload the builders refuse stages nothing: its claim will fail it with the reason.
 */
export async function stageWorkload(work: JobWork, request: StagingRequest, proceed: () => Promise<boolean>): Promise<number> {
  let launch: { readonly uploads: readonly RemoteUpload[] };
  try {
    // Only the uploads are wanted: no attempt exists yet, and nothing here runs or waits.
    launch = executionOf(work, { ...request, jobId: work.jobId, attempt: 0, timeoutMs: 0 }).launch();
  } catch {
    return 0;
  }
  return stageInputs(request, launch, proceed);
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
