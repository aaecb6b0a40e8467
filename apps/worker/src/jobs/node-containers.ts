import type { ContainerObservation } from '../../../../libs/domain/src/job/recovery.js';
import { dockerInspect } from '../../../../libs/gpu/src/docker-command.js';
import { type CosmosContainer, killCosmosContainer, listCosmosContainers } from '../../../../libs/gpu/src/nodes/cosmos-containers.js';
import type { GpuNode } from '../../../../libs/gpu/src/nodes/gpu-node.js';

/** Inspect, ps and kill answer in seconds on a healthy daemon; this only catches a wedged one. */
const DOCKER_TIMEOUT_MS = 30_000;

/** The container of a job attempt as the node reports it; throws when the node cannot be asked. */
export async function observeContainer(node: GpuNode, name: string): Promise<ContainerObservation> {
  const argv = dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}', { sudo: node.executor.sudo });
  const result = await node.connection.exec(argv, { timeoutMs: DOCKER_TIMEOUT_MS });
  if (result.exitCode !== 0) {
    if (/No such container/i.test(result.stderr)) return { container: 'missing' };
    throw new Error(`docker inspect ${name} on ${node.name} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
  const [status, exitCode] = result.stdout.trim().split(' ');
  if (status === 'running' || status === 'restarting' || status === 'paused') return { container: 'running' };
  if (status === 'created') return { container: 'missing' };
  return { container: 'exited', exitCode: Number(exitCode) };
}

/** Our containers still running on the node (labelled `cosmos.job`). */
export async function runningJobContainers(node: GpuNode): Promise<readonly CosmosContainer[]> {
  const listing = await listCosmosContainers(node, DOCKER_TIMEOUT_MS);
  if (!listing.ok) throw new Error(`${node.name}: ${listing.error}`);
  return listing.containers;
}

/** Kills one container by name; one already gone is fine. */
export async function killContainer(node: GpuNode, name: string): Promise<void> {
  const outcome = await killCosmosContainer(node, name, DOCKER_TIMEOUT_MS);
  if (!outcome.ok) throw new Error(`${node.name}: ${outcome.error}`);
}
