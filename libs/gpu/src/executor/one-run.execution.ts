import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelOutputFiles } from '../../../domain/src/cosmos/remote-layout.js';
import type { JobKind } from '../../../domain/src/job/job.events.js';
import type { OutputFile } from '../../../domain/src/run/run.events.js';
import { runFolder } from '../../../media/src/outputs/output-folders.js';
import { asExecutionFailure, type ContainerExecution, type ContainerLaunch, containerNameOf, removeContainer, runContainer } from './container-run.js';
import { describeLocalFile, downloadModelOutputs, EXECUTION_LOG_NAME, MANIFEST_NAME, readFinishedManifest, writeManifest } from './run-outputs.js';

export interface RunExecutionResult {
  readonly exitCode: number;
  /** Model outputs, then execution.log and manifest.json; paths relative to the outputs root. */
  readonly outputs: OutputFile[];
  /** Relative to the outputs root: `run_<runId>/manifest.json`. */
  readonly manifestPath: string;
}

export interface OneRunJob {
  readonly kind: JobKind;
  readonly runId: string;
  /** Built lazily so that a builder's InvalidInput fails the execution as VALIDATION like any other failure. */
  readonly build: () => ContainerLaunch & { readonly outputs: ModelOutputFiles };
}

/**
 * The container life of a job with one run and one output folder (single inference, upscale):
 * a finished attempt's manifest answers at once; otherwise the container is launched or
 * re-attached, its outputs downloaded into `run_<runId>/` with the log and a manifest. A failed
 * container is kept for diagnosis; only a successful one is removed. Throws ExecutionFailure.
 */
export async function executeOneRun(request: ContainerExecution, job: OneRunJob): Promise<RunExecutionResult> {
  try {
    return await executeOnce(request, job);
  } catch (error) {
    throw asExecutionFailure(error);
  }
}

async function executeOnce(request: ContainerExecution, job: OneRunJob): Promise<RunExecutionResult> {
  const { jobId, attempt } = request;
  const launch = job.build();
  const localDir = runFolder(request.outputsRoot, job.runId);
  await mkdir(localDir, { recursive: true });

  const finished = await readFinishedManifest(localDir, jobId, attempt);
  if (finished !== null) {
    const manifest = await describeLocalFile(request.outputsRoot, join(localDir, MANIFEST_NAME), 'json');
    return { exitCode: finished.exitCode, outputs: [...finished.files, manifest], manifestPath: manifest.path };
  }

  const log = join(localDir, EXECUTION_LOG_NAME);
  const exitCode = await runContainer(request, { kind: job.kind, runIds: [job.runId], launch, logPath: log });

  request.onStage?.('downloading', 0);
  const files = await downloadModelOutputs({
    connection: request.connection,
    remoteDir: request.node.remoteDir,
    expected: launch.outputs,
    outputsRoot: request.outputsRoot,
    localDir,
    onProgress: (percent) => request.onStage?.('downloading', percent),
  });
  files.push(await describeLocalFile(request.outputsRoot, log, 'log'));
  const container = containerNameOf(request, job.kind);
  const manifest = await writeManifest(request.outputsRoot, localDir, { runId: job.runId, jobId, attempt, container, exitCode, files });
  await removeContainer(request, job.kind);
  return { exitCode, outputs: [...files, manifest], manifestPath: manifest.path };
}
