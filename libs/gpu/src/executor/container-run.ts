import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { CONTAINER_ROOT, DEFAULT_GPU_LAUNCH, DomainError, type GpuLaunch, jobContainerName, type JobKind, type ModelCommand, onHost, type RemoteFile, type RemoteUpload, type RunProgressStatus } from '../../../domain/src/index.js';
import { ContainerInspectFailed, inspectContainer } from '../container-inspect.js';
import { dockerRemove, dockerRun, type GpuSelection } from '../docker-command.js';
import { GpuTransportError, TransferFailed } from '../gpu.errors.js';
import { isUploaded, upload } from '../sftp-transfer.js';
import type { SshConnection } from '../ssh-connection.js';
import { followContainer } from './container-follower.js';
import { ExecutionFailure } from './execution-failure.js';
import { percentOf } from './run-outputs.js';

/** Short docker commands (inspect, run --detach, rm) answer in seconds; this only catches a wedged daemon. */
const COMMAND_TIMEOUT_MS = 60_000;

/** The node's side of a launch, from its config. */
export interface ExecutorNode {
  readonly remoteDir: string;
  readonly image: string;
  readonly gpus?: GpuSelection;
  readonly sudo?: boolean;
  /** Trusted `docker run` options from node config (`--ipc=host`, `--shm-size=8g`). */
  readonly dockerArgs?: readonly string[];
}

/** What every executor is asked, whatever the model mode. */
export interface ContainerExecution {
  readonly connection: SshConnection;
  readonly node: ExecutorNode;
  readonly jobId: string;
  readonly attempt: number;
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

/** What a builder hands over for one container: the files it needs on the host and its command. */
export interface ContainerLaunch extends ModelCommand {
  readonly uploads: readonly RemoteUpload[];
  readonly files: readonly RemoteFile[];
}

export interface ContainerJob {
  readonly kind: JobKind;
  readonly runIds: readonly string[];
  readonly launch: ContainerLaunch;
  /** Where the container's whole log is written. */
  readonly logPath: string;
}

/** The deterministic container name of a job attempt, so a retried execute finds its container. */
export function containerNameOf(request: ContainerExecution, kind: JobKind): string {
  return jobContainerName(kind, request.jobId, request.attempt);
}

/**
 * Brings the attempt's container to its end and returns its exit code (0; any other exit throws the
 * ExecutionFailure it stands for). A container already under the attempt's name is re-attached
 * (running) or finalized (exited) instead of launching another, so uploads happen only for a
 * fresh launch.
 */
export async function runContainer(request: ContainerExecution, job: ContainerJob): Promise<number> {
  const { connection, node } = request;
  const name = containerNameOf(request, job.kind);
  const status = await containerStatus(connection, name, node.sudo);
  if (status === 'missing') {
    await uploadLaunchFiles(request, job.launch);
    if (request.signal?.aborted) throw new ExecutionFailure('KILLED', 'the run was cancelled before its container started');
    await startContainer(request, name, job);
  } else if (status !== 'running' && status !== 'exited') {
    throw new ExecutionFailure('REMOTE_ERROR', `container ${name} is ${status}; it can neither be followed nor finalized`);
  }
  return followContainer({
    connection,
    name,
    sudo: node.sudo,
    logPath: job.logPath,
    timeoutMs: request.timeoutMs,
    signal: request.signal,
    onLog: request.onLog,
    onProgress: (percent) => request.onStage?.('running', percent),
  });
}

/** Only for a container whose outputs are safe locally; one left behind by a failed rm is labelled, exited and harmless. */
export async function removeContainer(request: ContainerExecution, kind: JobKind): Promise<void> {
  const name = containerNameOf(request, kind);
  await request.connection.exec(dockerRemove(name, { sudo: request.node.sudo }), { timeoutMs: COMMAND_TIMEOUT_MS }).catch(() => undefined);
}

/** torchrun needs the GPU count; `all` tells none, so it runs on one like the default. */
export function gpuLaunch(gpus: GpuSelection | undefined): GpuLaunch {
  if (gpus === undefined || gpus === 'all') return DEFAULT_GPU_LAUNCH;
  return { numGpus: 'count' in gpus ? gpus.count : gpus.devices.length };
}

/** The one mapping of what can go wrong on the way to the typed reasons a run fails with. */
export function asExecutionFailure(error: unknown): unknown {
  if (error instanceof ExecutionFailure) return error;
  if (error instanceof TransferFailed && error.reason === 'LOCAL_MISSING') return new ExecutionFailure('VALIDATION', error.message, null, { cause: error });
  if (error instanceof GpuTransportError) return new ExecutionFailure('SSH_FAILURE', error.message, null, { cause: error });
  if (error instanceof DomainError) return new ExecutionFailure('VALIDATION', error.message, null, { cause: error });
  return error;
}

/** What staging needs of an execution: where files come from and go, and when to stop. */
export type StagingRequest = Pick<ContainerExecution, 'connection' | 'node' | 'inputsRoot' | 'outputsRoot' | 'signal'>;

interface Transfer {
  readonly local: string;
  readonly remote: string;
  readonly bytes: number;
  /** An input video, which staging may have uploaded already; spec files are always written. */
  readonly input: boolean;
}

async function inputTransfers(request: StagingRequest, launch: Pick<ContainerLaunch, 'uploads'>): Promise<Transfer[]> {
  const transfers: Transfer[] = [];
  for (const input of launch.uploads) {
    const local = join(input.from.root === 'inputs' ? request.inputsRoot : request.outputsRoot, input.from.path);
    const bytes = await stat(local).then((stats) => stats.size, () => 0);
    transfers.push({ local, remote: onHost(request.node.remoteDir, input.to), bytes, input: true });
  }
  return transfers;
}

/**
 * Uploads a launch's input videos before its job is claimed, so that its container can start
 * without waiting for SFTP (the worker stages the job likely to run next while a job runs). Stops
 * before the next file once `signal` aborts (the job was cancelled, claimed elsewhere, or is no
 * longer next), and when `proceed` (asked before each file) says no. Paths are the run's own, so
 * only that run ever reuses them. Answers the bytes sent.
 */
export async function stageInputs(request: StagingRequest, launch: Pick<ContainerLaunch, 'uploads'>, proceed: () => Promise<boolean> = async () => true): Promise<number> {
  let sent = 0;
  for (const transfer of await inputTransfers(request, launch)) {
    if (request.signal?.aborted || !(await proceed())) break;
    if (await isUploaded(request.connection, transfer.local, transfer.remote)) continue;
    sent += (await upload(request.connection, transfer.local, transfer.remote)).bytes;
  }
  return sent;
}

/**
 * The input videos and the spec files go up by SFTP (`.part`, then renamed); prompt text travels
 * only inside spec files. An input video staging already sent is not sent again.
 */
async function uploadLaunchFiles(request: ContainerExecution, launch: ContainerLaunch): Promise<void> {
  const { connection, node } = request;
  const staging = await mkdtemp(join(tmpdir(), 'cosmos-spec-'));
  try {
    const transfers = await inputTransfers(request, launch);
    for (const [index, file] of launch.files.entries()) {
      const local = join(staging, `${index}-${posix.basename(file.path)}`);
      await writeFile(local, file.text, 'utf8');
      transfers.push({ local, remote: onHost(node.remoteDir, file.path), bytes: Buffer.byteLength(file.text), input: false });
    }
    const totalBytes = transfers.reduce((sum, transfer) => sum + transfer.bytes, 0);
    let doneBytes = 0;
    request.onStage?.('uploading', 0);
    for (const transfer of transfers) {
      if (request.signal?.aborted) throw new ExecutionFailure('KILLED', 'the run was cancelled while its inputs were uploading');
      if (transfer.input && (await isUploaded(connection, transfer.local, transfer.remote))) {
        doneBytes += transfer.bytes;
        continue;
      }
      const result = await upload(connection, transfer.local, transfer.remote, {
        onProgress: ({ transferredBytes }) => request.onStage?.('uploading', percentOf(doneBytes + transferredBytes, totalBytes)),
      });
      doneBytes += result.bytes;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** docker's state word, or 'missing'. */
async function containerStatus(connection: SshConnection, name: string, sudo: boolean | undefined): Promise<string> {
  try {
    return (await inspectContainer(connection, name, { sudo, timeoutMs: COMMAND_TIMEOUT_MS })).status;
  } catch (error) {
    if (error instanceof ContainerInspectFailed) throw new ExecutionFailure('REMOTE_ERROR', error.message, null, { cause: error });
    throw error;
  }
}

async function startContainer(request: ContainerExecution, name: string, job: ContainerJob): Promise<void> {
  const { node, jobId } = request;
  const argv = dockerRun({
    name,
    labels: { job: jobId, kind: job.kind, runs: job.runIds },
    image: node.image,
    gpus: node.gpus,
    sudo: node.sudo,
    volumes: [{ host: node.remoteDir, container: CONTAINER_ROOT }],
    workdir: CONTAINER_ROOT,
    env: job.launch.env,
    extraArgs: node.dockerArgs,
    command: job.launch.args,
    detached: true,
  });
  // No signal here: a launch cut off halfway could leave a container nobody follows; a cancel is
  // handled by the follower, which kills it by name.
  const started = await request.connection.exec(argv, { timeoutMs: COMMAND_TIMEOUT_MS });
  if (started.exitCode === 0) return;
  // Another execute of this attempt won the race to the name: follow its container.
  if (/Conflict\. The container name/.test(started.stderr)) return;
  throw new ExecutionFailure('REMOTE_ERROR', `docker run failed (exit ${started.exitCode}): ${lastLine(started.stderr)}`, started.exitCode);
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
