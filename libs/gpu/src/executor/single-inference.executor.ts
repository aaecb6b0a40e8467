import { buildInferenceSpec, type InferenceConfig, type InferenceLaunch, type PromptForModel } from '../../../domain/src/index.js';
import { type ContainerExecution, gpuLaunch } from './container-run.js';
import { executeOneRun, type RunExecutionResult } from './one-run.execution.js';

export type { ExecutorNode } from './container-run.js';

export interface SingleInferenceExecution extends ContainerExecution {
  readonly run: { readonly runId: string; readonly prompt: PromptForModel; readonly config: InferenceConfig };
}

export type SingleInferenceResult = RunExecutionResult;

/**
 * Runs one single-inference run on a GPU node: upload, detached container, followed log, download
 * over the node's one SSH connection. Pure I/O: it records nothing; the caller turns stages and the result (or the
 * ExecutionFailure it throws) into events. Repeating execute for the same job attempt never starts
 * a second container: a finished attempt's manifest answers at once, and a container already
 * under the attempt's name is re-attached (running) or finalized (exited). A failed container is
 * kept for diagnosis; only a successful one is removed.
 */
export class SingleInferenceExecutor {
  execute(request: SingleInferenceExecution): Promise<SingleInferenceResult> {
    return executeOneRun(request, { kind: 'inference', runId: request.run.runId, build: () => this.launch(request) });
  }

  /** What the container needs on the node and runs: also what staging uploads ahead. */
  launch({ run, node }: SingleInferenceExecution): InferenceLaunch {
    return buildInferenceSpec({ runId: run.runId, prompt: run.prompt, config: run.config, launch: gpuLaunch(node.gpus) });
  }
}
