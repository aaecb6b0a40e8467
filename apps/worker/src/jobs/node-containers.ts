import type { ContainerObservation } from '../../../../libs/domain/src/index.js';
import { type CosmosContainer, type GpuNode, inspectContainer, killCosmosContainer, listCosmosContainers } from '../../../../libs/gpu/src/index.js';

/** Inspect, ps and kill answer in seconds on a healthy daemon; this only catches a wedged one. */
const DOCKER_TIMEOUT_MS = 30_000;

/** The container of a job attempt as the node reports it; throws when the node cannot be asked. */
export async function observeContainer(node: GpuNode, name: string): Promise<ContainerObservation> {
  const found = await inspectContainer(node.connection, name, { sudo: node.executor.sudo, timeoutMs: DOCKER_TIMEOUT_MS });
  if (!('exitCode' in found)) return { container: 'missing' };
  if (found.status === 'running' || found.status === 'restarting' || found.status === 'paused') return { container: 'running' };
  // Created but never started: nothing ran, as if there were none.
  if (found.status === 'created') return { container: 'missing' };
  return { container: 'exited', exitCode: found.exitCode };
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
