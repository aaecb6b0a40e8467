import { dockerInfo } from '../docker-command.js';
import { GpuTransportError, SshTimeout } from '../gpu.errors.js';
import { NVIDIA_SMI_CUDA_QUERY, NVIDIA_SMI_QUERY, parseNvidiaSmi, type GpuReading } from '../nvidia-smi.js';
import type { SshConnection } from '../ssh-connection.js';
import type { ExecResult } from '../ssh-exec.js';
import { listCosmosContainers, type CosmosContainer } from './cosmos-containers.js';
import type { GpuNode } from './gpu-node.js';

/** Each probe command's limit once it runs; the connection has its own (connect_timeout_ms). */
export const PROBE_COMMAND_TIMEOUT_MS = 10_000;

/** A probe reads a few lines; anything longer is not what we asked for. */
const PROBE_MAX_OUTPUT_BYTES = 1024 * 1024;

export type DockerStatus =
  | { readonly ok: true; readonly version: string; readonly containers: readonly CosmosContainer[] }
  | { readonly ok: false; readonly version: string | null; readonly error: string };

export type GpuStatus =
  | {
      readonly ok: true;
      readonly gpus: readonly GpuReading[];
      readonly driverVersion: string | null;
      readonly cudaVersion: string | null;
      /** nvidia-smi lines that could not be read; the GPUs that could are still listed. */
      readonly problems: readonly string[];
    }
  | { readonly ok: false; readonly error: string };

export type NodeStatus = {
  readonly name: string;
  readonly simulated: boolean;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  /** When the probe finished (ISO). */
  readonly checkedAt: string;
} & ({ readonly reachable: false; readonly sshError: string } | { readonly reachable: true; readonly docker: DockerStatus; readonly gpus: GpuStatus });

export interface NodeProbeOptions {
  readonly commandTimeoutMs?: number;
  readonly now?: () => Date;
}

/**
 * What a node says about itself now: SSH, docker, nvidia-smi and our running containers. Never
 * throws: every failure becomes part of the status. An unreachable node answers within its
 * connect timeout (see `firstContact`), so probing nodes side by side is bounded by the slowest.
 */
export async function probeNode(node: GpuNode, options: NodeProbeOptions = {}): Promise<NodeStatus> {
  const timeoutMs = options.commandTimeoutMs ?? PROBE_COMMAND_TIMEOUT_MS;
  const now = options.now ?? (() => new Date());
  const identity = { name: node.name, simulated: node.simulated, host: node.host, port: node.port, user: node.user };
  const run = (argv: readonly string[], signal?: AbortSignal) =>
    node.connection.exec(argv, { timeoutMs, maxOutputBytes: PROBE_MAX_OUTPUT_BYTES, ...(signal && { signal }) });

  const info = await firstContact(node.connection, (signal) => run(dockerInfo({ sudo: node.executor.sudo }), signal));
  if (!info.reached) return { ...identity, reachable: false, sshError: info.error, checkedAt: now().toISOString() };
  const [docker, gpus] = await Promise.all([dockerStatus(node, info.result, timeoutMs), gpuStatus(run)]);
  return { ...identity, reachable: true, docker, gpus, checkedAt: now().toISOString() };
}

type Contact = { readonly reached: true; readonly result: ExecResult | Error } | { readonly reached: false; readonly error: string };

/**
 * Runs the first command, which opens the connection if there is none. The connection keeps
 * retrying with backoff for the worker's sake; the probe does not wait for that: a connection
 * waiting out a backoff, the first failed attempt, or no connection within the connect timeout
 * makes the node unreachable now.
 */
async function firstContact(connection: SshConnection, command: (signal: AbortSignal) => Promise<ExecResult>): Promise<Contact> {
  const backingOff = connection.reconnectingAfter;
  if (backingOff !== null) return { reached: false, error: `${connection.node.name}: ${backingOff}` };
  const abandon = new AbortController();
  const attempt = command(abandon.signal).then(
    (result): Contact => ({ reached: true, result }),
    (error: unknown): Contact => {
      // A command that ran out of time still proves the connection works.
      if (error instanceof SshTimeout || !(error instanceof GpuTransportError)) return { reached: true, result: error as Error };
      return { reached: false, error: error.message };
    },
  );
  if (connection.isConnected) return attempt;
  let cleanUp = (): void => undefined;
  const unreachable = new Promise<Contact>((resolve) => {
    const timeoutMs = connection.node.connectTimeoutMs;
    const onFailed = ({ error }: { error: string }): void => resolve({ reached: false, error: `${connection.node.name}: ${error}` });
    const timer = setTimeout(() => resolve({ reached: false, error: `${connection.node.name}: no SSH connection within ${timeoutMs} ms` }), timeoutMs);
    connection.on('connectFailed', onFailed);
    cleanUp = () => {
      clearTimeout(timer);
      connection.off('connectFailed', onFailed);
    };
  });
  const contact = await Promise.race([attempt, unreachable]);
  cleanUp();
  // The abandoned command still waits for the connection; if it comes, the command is killed at once.
  if (!contact.reached) abandon.abort();
  return contact;
}

async function dockerStatus(node: GpuNode, info: ExecResult | Error, timeoutMs: number): Promise<DockerStatus> {
  if (info instanceof Error) return { ok: false, version: null, error: `docker info: ${info.message}` };
  const parsed = parseDockerInfo(info);
  if (!parsed.ok) return parsed;
  try {
    const listing = await listCosmosContainers(node, timeoutMs);
    if (!listing.ok) return { ok: false, version: parsed.version, error: listing.error };
    return { ok: true, version: parsed.version, containers: listing.containers };
  } catch (error) {
    return { ok: false, version: parsed.version, error: `docker ps: ${(error as Error).message}` };
  }
}

/**
 * docker prints the client side even when the daemon is down, and newer versions still exit 0:
 * a missing ServerVersion or any ServerErrors means the daemon did not answer.
 */
function parseDockerInfo(info: ExecResult): { ok: true; version: string } | { ok: false; version: null; error: string } {
  let parsed: { ServerVersion?: unknown; ServerErrors?: unknown } | null = null;
  try {
    parsed = JSON.parse(info.stdout);
  } catch {
    // judged below from the exit code and stderr
  }
  const serverErrors = Array.isArray(parsed?.ServerErrors) ? parsed.ServerErrors.map(String) : [];
  const version = typeof parsed?.ServerVersion === 'string' ? parsed.ServerVersion : '';
  if (info.exitCode === 0 && serverErrors.length === 0 && version !== '') return { ok: true, version };
  const detail = serverErrors[0] ?? (info.stderr.trim().split('\n').at(-1) || 'no server version in its answer');
  return { ok: false, version: null, error: `docker info exited ${info.exitCode ?? 'by a signal'}: ${detail}` };
}

async function gpuStatus(run: (argv: readonly string[]) => Promise<ExecResult>): Promise<GpuStatus> {
  try {
    const [query, banner] = await Promise.all([run(NVIDIA_SMI_QUERY), run(NVIDIA_SMI_CUDA_QUERY)]);
    if (query.exitCode !== 0) {
      const detail = (query.stderr.trim() || query.stdout.trim()).split('\n').at(-1) ?? '';
      return { ok: false, error: `nvidia-smi exited ${query.exitCode ?? 'by a signal'}${detail ? `: ${detail}` : ''}` };
    }
    const report = parseNvidiaSmi(query.stdout, banner.exitCode === 0 ? banner.stdout : '');
    return { ok: true, gpus: report.gpus, driverVersion: report.gpus[0]?.driverVersion ?? null, cudaVersion: report.cudaVersion, problems: report.problems };
  } catch (error) {
    return { ok: false, error: `nvidia-smi: ${(error as Error).message}` };
  }
}
