import type { ContainerObservation } from '../../../../libs/domain/src/job/recovery.js';
import { CONTAINER_LABELS, dockerInspect, dockerKill, dockerPs } from '../../../../libs/gpu/src/docker-command.js';
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

/** Job ids of our containers still running on the node (labelled `cosmos.job`). */
export async function runningJobContainers(node: GpuNode): Promise<{ jobId: string; name: string }[]> {
  const argv = dockerPs({ all: false, labelFilter: { [CONTAINER_LABELS.job]: true }, sudo: node.executor.sudo });
  const result = await node.connection.exec(argv, { timeoutMs: DOCKER_TIMEOUT_MS });
  if (result.exitCode !== 0) throw new Error(`docker ps on ${node.name} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      const entry = JSON.parse(line) as { Names?: string; Labels?: string };
      const label = (entry.Labels ?? '').split(',').find((pair) => pair.startsWith(`${CONTAINER_LABELS.job}=`));
      return label === undefined || entry.Names === undefined ? [] : [{ jobId: label.slice(CONTAINER_LABELS.job.length + 1), name: entry.Names }];
    });
}

/** Kills one container by name; one already gone is fine. */
export async function killContainer(node: GpuNode, name: string): Promise<void> {
  const result = await node.connection.exec(dockerKill(name, { sudo: node.executor.sudo }), { timeoutMs: DOCKER_TIMEOUT_MS });
  if (result.exitCode !== 0 && !/No such container|is not running/i.test(result.stderr)) {
    throw new Error(`docker kill ${name} on ${node.name} failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  }
}
