import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobKind, ModelOutputFiles, OutputFile } from '../../../domain/src/index.js';
import { runFolder } from '../../../media/src/index.js';
import { asExecutionFailure, type ContainerExecution, type ContainerLaunch, containerNameOf, removeContainer, runContainer } from './container-run.js';
import {
  describeLocalFile,
  downloadModelOutputs,
  EXECUTION_LOG_NAME,
  MANIFEST_NAME,
  readFinishedManifest,
  type RunFolder,
  writeManifest,
} from './run-outputs.js';

export interface RunExecutionResult {
  readonly exitCode: number;
  /** Model outputs, then execution.log and manifest.json; paths relative to the outputs root. */
  readonly outputs: OutputFile[];
  /** Relative to the outputs root: `run_<runId>/manifest.json`. */
  readonly manifestPath: string;
}

/** The launch of a transfer.py run, which names the video and prompt text it leaves behind. */
export type ModelLaunch = ContainerLaunch & { readonly outputs: ModelOutputFiles };

/** Brings a run's outputs into its local folder after exit 0 and describes them (throws ExecutionFailure when they are not there). */
export type CollectOutputs<L> = (launch: L, folder: RunFolder) => Promise<OutputFile[]>;

interface OneRunJobBase {
  readonly kind: JobKind;
  readonly runId: string;
}

/**
 * `build` runs lazily so that a builder's InvalidInput fails the execution as VALIDATION like any
 * other failure. A transfer.py launch is collected with downloadModelOutputs; a launch that leaves
 * anything else (the upsampler's results file) brings its own `collect`.
 */
export type OneRunJob<L extends ContainerLaunch = ModelLaunch> =
  | (OneRunJobBase & { readonly build: () => ModelLaunch; readonly collect?: undefined })
  | (OneRunJobBase & { readonly build: () => L; readonly collect: CollectOutputs<L> });

/**
 * The container life of a job with one run and one output folder (single inference, upscale,
 * enhance): a finished attempt's manifest answers at once; otherwise the container is launched or
 * re-attached, its outputs collected into `run_<runId>/` with the log and a manifest. A failed
 * container is kept for diagnosis; only a successful one is removed. Throws ExecutionFailure.
 */
export async function executeOneRun<L extends ContainerLaunch>(request: ContainerExecution, job: OneRunJob<L>): Promise<RunExecutionResult> {
  try {
    return await executeOnce(request, job);
  } catch (error) {
    throw asExecutionFailure(error);
  }
}

async function executeOnce<L extends ContainerLaunch>(request: ContainerExecution, job: OneRunJob<L>): Promise<RunExecutionResult> {
  const { jobId, attempt } = request;
  const { launch, collect } = prepare(job);
  const localDir = runFolder(request.outputsRoot, job.runId);
  await mkdir(localDir, { recursive: true });

  const finished = await finishedRun(request, localDir);
  if (finished !== null) return finished;

  const log = join(localDir, EXECUTION_LOG_NAME);
  const exitCode = await runContainer(request, { kind: job.kind, runIds: [job.runId], launch, logPath: log });

  request.onStage?.('downloading', 0);
  const files = await collect({
    connection: request.connection,
    remoteDir: request.node.remoteDir,
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

/** What an attempt that already finished left in its run folder (its manifest), so a repeat answers at once. */
export async function finishedRun(request: Pick<ContainerExecution, 'outputsRoot' | 'jobId' | 'attempt'>, localDir: string): Promise<RunExecutionResult | null> {
  const finished = await readFinishedManifest(localDir, request.jobId, request.attempt);
  if (finished === null) return null;
  const manifest = await describeLocalFile(request.outputsRoot, join(localDir, MANIFEST_NAME), 'json');
  return { exitCode: finished.exitCode, outputs: [...finished.files, manifest], manifestPath: manifest.path };
}

function prepare<L extends ContainerLaunch>(job: OneRunJob<L>): { launch: ContainerLaunch; collect: (folder: RunFolder) => Promise<OutputFile[]> } {
  if (job.collect === undefined) {
    const launch = job.build();
    return { launch, collect: (folder) => downloadModelOutputs({ ...folder, expected: launch.outputs }) };
  }
  const { build, collect } = job;
  const launch = build();
  return { launch, collect: (folder) => collect(launch, folder) };
}
