import { copyFile, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BatchLaunch, type BatchRunRequest, buildBatchSpec } from '../../../domain/src/index.js';
import { runFolder } from '../../../media/src/index.js';
import { asExecutionFailure, type ContainerExecution, containerNameOf, gpuLaunch, removeContainer, runContainer } from './container-run.js';
import { ExecutionFailure } from './execution-failure.js';
import type { RunExecutionResult } from './one-run.execution.js';
import { describeLocalFile, downloadModelOutputs, EXECUTION_LOG_NAME, MANIFEST_NAME, readFinishedManifest, writeManifest } from './run-outputs.js';

const KIND = 'batch_inference';

export interface BatchInferenceExecution extends ContainerExecution {
  /** In JSONL line order: run i's outputs are read from `video_<i>`. */
  readonly runs: readonly BatchRunRequest[];
  readonly batchSize?: number;
}

/** One per run, in the order of the request's runs. */
export type BatchRunResult =
  | ({ readonly status: 'succeeded'; readonly runId: string } & RunExecutionResult)
  | { readonly status: 'failed'; readonly runId: string; readonly failure: ExecutionFailure };

/**
 * Runs several inference runs in one transfer.py batch container (cosmos-transfer1.md §3) and
 * answers per run: a container that fails fails every run still open with its typed reason, and a
 * line whose `video_<i>/output.mp4` is missing fails only its run (MISSING_OUTPUT; the
 * predecessor marked such runs completed). Errors that are no run outcome (a throwing callback)
 * are thrown, as by the single executor, leaving the container for a re-attach.
 *
 * The container's log is the job's, not a line's: it is written once and copied whole into each
 * run's `execution.log`, so every run folder stays self-contained (a run's folder is listed,
 * checksummed and deleted on its own; a link would dangle once a sibling's folder is deleted).
 *
 * Idempotent like the single executor: runs with a finished manifest of this attempt answer from
 * it; the rest re-attach to or finalize the attempt's container, or launch it when there is none.
 * The container is removed only when every run succeeded, so a repeat finds a failed line again.
 */
export class BatchInferenceExecutor {
  /** What the container needs on the node and runs: also what staging uploads ahead. */
  launch(request: BatchInferenceExecution): BatchLaunch {
    return buildBatchSpec({ jobId: request.jobId, runs: request.runs, batchSize: request.batchSize, launch: gpuLaunch(request.node.gpus) });
  }

  async execute(request: BatchInferenceExecution): Promise<BatchRunResult[]> {
    let launch: BatchLaunch;
    try {
      launch = this.launch(request);
    } catch (error) {
      return request.runs.map(({ runId }) => failed(runId, error));
    }

    const results = new Map<string, BatchRunResult>();
    for (const { runId } of request.runs) {
      const finished = await finishedResult(request, runId);
      if (finished !== null) results.set(runId, finished);
    }
    const open = launch.outputs.filter(({ runId }) => !results.has(runId));
    if (open.length > 0) {
      const staging = await mkdtemp(join(tmpdir(), 'cosmos-batch-log-'));
      try {
        for (const result of await this.finishOpenRuns(request, launch, open, join(staging, EXECUTION_LOG_NAME))) results.set(result.runId, result);
      } finally {
        await rm(staging, { recursive: true, force: true });
      }
      if ([...results.values()].every(({ status }) => status === 'succeeded')) await removeContainer(request, KIND);
    }
    return request.runs.map(({ runId }) => results.get(runId)!);
  }

  private async finishOpenRuns(
    request: BatchInferenceExecution,
    launch: BatchLaunch,
    open: BatchLaunch['outputs'],
    jobLog: string,
  ): Promise<BatchRunResult[]> {
    let exitCode: number;
    try {
      exitCode = await runContainer(request, { kind: KIND, runIds: request.runs.map(({ runId }) => runId), launch, logPath: jobLog });
    } catch (error) {
      const failure = asExecutionFailure(error);
      if (!(failure instanceof ExecutionFailure)) throw failure;
      for (const { runId } of open) await copyJobLog(request, jobLog, runId);
      return open.map(({ runId }) => failed(runId, failure));
    }

    request.onStage?.('downloading', 0);
    const results: BatchRunResult[] = [];
    for (const [index, line] of open.entries()) {
      const localDir = runFolder(request.outputsRoot, line.runId);
      try {
        const files = await downloadModelOutputs({
          connection: request.connection,
          remoteDir: request.node.remoteDir,
          expected: line,
          outputsRoot: request.outputsRoot,
          localDir,
          onProgress: (percent) => request.onStage?.('downloading', Math.floor((index * 100 + percent) / open.length)),
        });
        const log = await copyJobLog(request, jobLog, line.runId);
        if (log !== null) files.push(await describeLocalFile(request.outputsRoot, log, 'log'));
        const manifest = await writeManifest(request.outputsRoot, localDir, {
          runId: line.runId,
          jobId: request.jobId,
          attempt: request.attempt,
          container: containerNameOf(request, KIND),
          exitCode,
          files,
        });
        results.push({ status: 'succeeded', runId: line.runId, exitCode, outputs: [...files, manifest], manifestPath: manifest.path });
      } catch (error) {
        const failure = asExecutionFailure(error);
        if (!(failure instanceof ExecutionFailure)) throw failure;
        await copyJobLog(request, jobLog, line.runId).catch(() => undefined);
        results.push(failed(line.runId, failure));
      }
    }
    request.onStage?.('downloading', 100);
    return results;
  }
}

async function finishedResult(request: BatchInferenceExecution, runId: string): Promise<BatchRunResult | null> {
  const localDir = runFolder(request.outputsRoot, runId);
  await mkdir(localDir, { recursive: true });
  const finished = await readFinishedManifest(localDir, request.jobId, request.attempt);
  if (finished === null) return null;
  const manifest = await describeLocalFile(request.outputsRoot, join(localDir, MANIFEST_NAME), 'json');
  return { status: 'succeeded', runId, exitCode: finished.exitCode, outputs: [...finished.files, manifest], manifestPath: manifest.path };
}

/** The job's whole log as this run's execution.log; a container that never started left none to copy. */
async function copyJobLog(request: BatchInferenceExecution, jobLog: string, runId: string): Promise<string | null> {
  if (!(await stat(jobLog).then(() => true, () => false))) return null;
  const target = join(runFolder(request.outputsRoot, runId), EXECUTION_LOG_NAME);
  await copyFile(jobLog, target);
  return target;
}

function failed(runId: string, error: unknown): BatchRunResult {
  const failure = asExecutionFailure(error);
  if (!(failure instanceof ExecutionFailure)) throw failure;
  return { status: 'failed', runId, failure };
}
