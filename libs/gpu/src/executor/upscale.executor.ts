import { buildUpscaleSpec, type LocalFile, type UpscaleConfig, type UpscaleLaunch } from '../../../domain/src/index.js';
import { type ContainerExecution, gpuLaunch } from './container-run.js';
import { executeOneRun, type RunExecutionResult } from './one-run.execution.js';

export interface UpscaleExecution extends ContainerExecution {
  readonly run: {
    readonly runId: string;
    /** A completed run's `run_<id>/output.mp4` (outputs root) or a video under the inputs root. */
    readonly source: LocalFile;
    readonly config: UpscaleConfig;
  };
}

/**
 * Runs one 4K upscale on a GPU node, with the single executor's life cycle and idempotency. The
 * source goes up as `runs/<runId>/inputs/source.mp4`, whatever it was called locally, so an
 * upscale of an upscale works (upscale.builder.ts). A source missing locally fails as VALIDATION.
 */
export class UpscaleExecutor {
  execute(request: UpscaleExecution): Promise<RunExecutionResult> {
    return executeOneRun(request, { kind: 'upscale', runId: request.run.runId, build: () => this.launch(request) });
  }

  /** What the container needs on the node and runs: also what staging uploads ahead. */
  launch({ run, node }: UpscaleExecution): UpscaleLaunch {
    return buildUpscaleSpec({ runId: run.runId, source: run.source, config: run.config, launch: gpuLaunch(node.gpus) });
  }
}
