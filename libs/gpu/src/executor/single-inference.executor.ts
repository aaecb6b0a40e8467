import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { InferenceConfig } from '../../../domain/src/cosmos/inference-config.js';
import { CONTAINER_ROOT, onHost } from '../../../domain/src/cosmos/remote-layout.js';
import type { PromptForModel } from '../../../domain/src/cosmos/run-inputs.js';
import { buildInferenceSpec, type InferenceLaunch } from '../../../domain/src/cosmos/single-inference.builder.js';
import { DEFAULT_GPU_LAUNCH, type GpuLaunch } from '../../../domain/src/cosmos/transfer-command.js';
import { jobContainerName } from '../../../domain/src/job/job.decider.js';
import type { OutputFile, RunProgressStatus } from '../../../domain/src/run/run.events.js';
import { DomainError } from '../../../domain/src/shared/domain-error.js';
import { runFolder } from '../../../media/src/outputs/output-folders.js';
import { dockerInspect, dockerRemove, dockerRun, type GpuSelection } from '../docker-command.js';
import { GpuTransportError, TransferFailed } from '../gpu.errors.js';
import { upload } from '../sftp-transfer.js';
import type { SshConnection } from '../ssh-connection.js';
import { followContainer } from './container-follower.js';
import { ExecutionFailure } from './execution-failure.js';
import { describeLocalFile, downloadModelOutputs, EXECUTION_LOG_NAME, MANIFEST_NAME, percentOf, readFinishedManifest, writeManifest } from './run-outputs.js';

/** Short docker commands (inspect, run --detach, kill, rm) answer in seconds; this only catches a wedged daemon. */
const COMMAND_TIMEOUT_MS = 60_000;
const KIND = 'inference';

/** The node's side of a launch, from its config. */
export interface ExecutorNode {
  readonly remoteDir: string;
  readonly image: string;
  readonly gpus?: GpuSelection;
  readonly sudo?: boolean;
  /** Trusted `docker run` options from node config (`--ipc=host`, `--shm-size=8g`). */
  readonly dockerArgs?: readonly string[];
}

export interface SingleInferenceExecution {
  readonly connection: SshConnection;
  readonly node: ExecutorNode;
  readonly jobId: string;
  readonly attempt: number;
  readonly run: { readonly runId: string; readonly prompt: PromptForModel; readonly config: InferenceConfig };
  /** Local roots the builder's `RemoteUpload.from` paths are relative to. */
  readonly inputsRoot: string;
  readonly outputsRoot: string;
  /** Bounds the container's run, from launch (or re-attach) to its exit; on expiry it is killed. */
  readonly timeoutMs: number;
  /** Cancels: the container is killed and execute fails with KILLED. */
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: RunProgressStatus, percent: number) => void;
  readonly onLog?: (line: string) => void;
}

export interface SingleInferenceResult {
  readonly exitCode: number;
  /** Model outputs, then execution.log and manifest.json; paths relative to the outputs root. */
  readonly outputs: OutputFile[];
  /** Relative to the outputs root: `run_<runId>/manifest.json`. */
  readonly manifestPath: string;
}

/**
 * Runs one single-inference run on a GPU node: upload, detached container, followed log, download
 * (ARCHITECTURE §6). Pure I/O: it records nothing; the caller turns stages and the result (or the
 * ExecutionFailure it throws) into events. Repeating execute for the same job attempt never starts
 * a second container: a finished attempt's manifest answers at once, and a container already
 * under the attempt's name is re-attached (running) or finalized (exited). A failed container is
 * kept for diagnosis; only a successful one is removed.
 */
export class SingleInferenceExecutor {
  async execute(request: SingleInferenceExecution): Promise<SingleInferenceResult> {
    try {
      return await this.executeOnce(request);
    } catch (error) {
      throw asExecutionFailure(error);
    }
  }

  private async executeOnce(request: SingleInferenceExecution): Promise<SingleInferenceResult> {
    const { connection, node, jobId, attempt, run } = request;
    const launch = buildInferenceSpec({ runId: run.runId, prompt: run.prompt, config: run.config, launch: gpuLaunch(node.gpus) });
    const name = jobContainerName(KIND, jobId, attempt);
    const localDir = runFolder(request.outputsRoot, run.runId);
    await mkdir(localDir, { recursive: true });

    const finished = await readFinishedManifest(localDir, jobId, attempt);
    if (finished !== null) {
      const manifest = await describeLocalFile(request.outputsRoot, join(localDir, MANIFEST_NAME), 'json');
      return { exitCode: finished.exitCode, outputs: [...finished.files, manifest], manifestPath: manifest.path };
    }

    const status = await containerStatus(connection, name, node.sudo);
    if (status === 'missing') {
      await this.uploadInputs(request, launch);
      if (request.signal?.aborted) throw new ExecutionFailure('KILLED', 'the run was cancelled before its container started');
      await startContainer(connection, name, request, launch);
    } else if (status !== 'running' && status !== 'exited') {
      throw new ExecutionFailure('REMOTE_ERROR', `container ${name} is ${status}; it can neither be followed nor finalized`);
    }

    const log = join(localDir, EXECUTION_LOG_NAME);
    const exitCode = await followContainer({
      connection,
      name,
      sudo: node.sudo,
      logPath: log,
      timeoutMs: request.timeoutMs,
      signal: request.signal,
      onLog: request.onLog,
      onProgress: (percent) => request.onStage?.('running', percent),
    });

    request.onStage?.('downloading', 0);
    const files = await downloadModelOutputs({
      connection,
      remoteDir: node.remoteDir,
      expected: launch.outputs,
      outputsRoot: request.outputsRoot,
      localDir,
      onProgress: (percent) => request.onStage?.('downloading', percent),
    });
    files.push(await describeLocalFile(request.outputsRoot, log, 'log'));
    const manifest = await writeManifest(request.outputsRoot, localDir, { runId: run.runId, jobId, attempt, container: name, exitCode, files });
    // The outputs are safe locally; a container left behind by a failed rm is labelled, exited and harmless.
    await connection.exec(dockerRemove(name, { sudo: node.sudo }), { timeoutMs: COMMAND_TIMEOUT_MS }).catch(() => undefined);
    return { exitCode, outputs: [...files, manifest], manifestPath: manifest.path };
  }

  /** The input videos and the spec go up by SFTP (`.part`, then renamed); the prompt text travels only inside the spec. */
  private async uploadInputs(request: SingleInferenceExecution, launch: InferenceLaunch): Promise<void> {
    const { connection, node } = request;
    const staging = await mkdtemp(join(tmpdir(), 'cosmos-spec-'));
    try {
      const transfers: { local: string; remote: string; bytes: number }[] = [];
      for (const input of launch.uploads) {
        const local = join(input.from.root === 'inputs' ? request.inputsRoot : request.outputsRoot, input.from.path);
        const bytes = await stat(local).then((stats) => stats.size, () => 0);
        transfers.push({ local, remote: onHost(node.remoteDir, input.to), bytes });
      }
      for (const [index, file] of launch.files.entries()) {
        const local = join(staging, `${index}-${posix.basename(file.path)}`);
        await writeFile(local, file.text, 'utf8');
        transfers.push({ local, remote: onHost(node.remoteDir, file.path), bytes: Buffer.byteLength(file.text) });
      }
      const totalBytes = transfers.reduce((sum, transfer) => sum + transfer.bytes, 0);
      let doneBytes = 0;
      request.onStage?.('uploading', 0);
      for (const transfer of transfers) {
        if (request.signal?.aborted) throw new ExecutionFailure('KILLED', 'the run was cancelled while its inputs were uploading');
        const result = await upload(connection, transfer.local, transfer.remote, {
          onProgress: ({ transferredBytes }) => request.onStage?.('uploading', percentOf(doneBytes + transferredBytes, totalBytes)),
        });
        doneBytes += result.bytes;
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}

type ContainerStatus = 'missing' | 'running' | 'exited' | string;

async function containerStatus(connection: SshConnection, name: string, sudo: boolean | undefined): Promise<ContainerStatus> {
  const result = await connection.exec(dockerInspect(name, '{{.State.Status}}', { sudo }), { timeoutMs: COMMAND_TIMEOUT_MS });
  if (result.exitCode === 0) return result.stdout.trim();
  if (/No such container/i.test(result.stderr)) return 'missing';
  throw new ExecutionFailure('REMOTE_ERROR', `docker inspect ${name} failed (exit ${result.exitCode}): ${lastLine(result.stderr)}`);
}

async function startContainer(connection: SshConnection, name: string, request: SingleInferenceExecution, launch: InferenceLaunch): Promise<void> {
  const { node, jobId, run } = request;
  const argv = dockerRun({
    name,
    labels: { job: jobId, kind: KIND, runs: [run.runId] },
    image: node.image,
    gpus: node.gpus,
    sudo: node.sudo,
    volumes: [{ host: node.remoteDir, container: CONTAINER_ROOT }],
    workdir: CONTAINER_ROOT,
    env: launch.env,
    extraArgs: node.dockerArgs,
    command: launch.args,
    detached: true,
  });
  // No signal here: a launch cut off halfway could leave a container nobody follows; a cancel is
  // handled by the follower, which kills it by name.
  const started = await connection.exec(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
  if (started.exitCode === 0) return;
  // Another execute of this attempt won the race to the name: follow its container.
  if (/Conflict\. The container name/.test(started.stderr)) return;
  throw new ExecutionFailure('REMOTE_ERROR', `docker run failed (exit ${started.exitCode}): ${lastLine(started.stderr)}`, started.exitCode);
}

/** torchrun needs the GPU count; `all` tells none, so it runs on one like the default. */
function gpuLaunch(gpus: GpuSelection | undefined): GpuLaunch {
  if (gpus === undefined || gpus === 'all') return DEFAULT_GPU_LAUNCH;
  return { numGpus: 'count' in gpus ? gpus.count : gpus.devices.length };
}

function asExecutionFailure(error: unknown): unknown {
  if (error instanceof ExecutionFailure) return error;
  if (error instanceof TransferFailed && error.reason === 'LOCAL_MISSING') return new ExecutionFailure('VALIDATION', error.message, null, { cause: error });
  if (error instanceof GpuTransportError) return new ExecutionFailure('SSH_FAILURE', error.message, null, { cause: error });
  if (error instanceof DomainError) return new ExecutionFailure('VALIDATION', error.message, null, { cause: error });
  return error;
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
