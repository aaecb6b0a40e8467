import type { GpuNodeDoc, QueueDoc } from '../../../../libs/read-models/src/index.js';

/** What the workers last reported of one configured node. */
export interface NodeReach {
  readonly name: string;
  /** `not_contacted`: no worker has reported on it (none runs, or it is still starting). */
  readonly state: 'reachable' | 'unreachable' | 'not_contacted';
  readonly since: string | null;
  readonly error: string | null;
  /** The GPUs a worker found it to share out; null until one reported them. */
  readonly gpus: readonly number[] | null;
}

/** The configured nodes in config order, each with the nodes read model's word on it. */
export function nodeReach(configured: readonly string[], docs: readonly GpuNodeDoc[]): NodeReach[] {
  const byName = new Map(docs.map((doc) => [doc.id, doc]));
  return configured.map((name) => {
    const doc = byName.get(name);
    if (doc === undefined) return { name, state: 'not_contacted', since: null, error: null, gpus: null };
    return { name, state: doc.reachable ? 'reachable' : 'unreachable', since: doc.since, error: doc.error, gpus: doc.gpus ?? null };
  });
}

/**
 * `/readyz`'s word on the nodes: `ok`, `degraded: …` while one is unreachable, `waiting: …` while
 * some are not yet contacted and none is known to be down. A node down degrades the service
 * (nothing runs there) without making it unready: queries and commands still work.
 */
export function nodesReadiness(reach: readonly NodeReach[]): string {
  if (reach.length === 0) return `none: ${NO_NODES}`;
  const unreachable = reach.filter((node) => node.state === 'unreachable');
  const notContacted = reach.filter((node) => node.state === 'not_contacted');
  if (unreachable.length > 0) return `degraded: ${[...unreachable, ...notContacted].map(describe).join('; ')}`;
  if (notContacted.length > 0) return `waiting: ${notContacted.map(describe).join('; ')}`;
  return 'ok';
}

/**
 * Why a queued job is not being claimed, or null when nothing blocks it beyond its turn
 * (Queue.items gives its position and expected wait).
 */
export function queueBlocker(queue: QueueDoc, reach: readonly NodeReach[]): string | null {
  if (queue.paused) {
    const reason = queue.pauseReason ? `: ${queue.pauseReason}` : '';
    return `The queue is paused (by ${queue.pausedBy ?? 'unknown'} at ${queue.pausedAt ?? 'an unknown time'}${reason}); resumeQueue lets nodes claim again.`;
  }
  if (reach.length === 0) return `Nothing can run it: ${NO_NODES}.`;
  if (reach.some((node) => node.state === 'reachable')) return null;
  if (reach.every((node) => node.state === 'not_contacted')) {
    return `No worker has reported on a GPU node yet (${reach.map((node) => node.name).join(', ')}): is a worker process running?`;
  }
  return `No GPU node can be reached: ${reach.map(describe).join('; ')}.`;
}

/**
 * A job asking for more GPUs than any node has never starts: said once every node's GPUs are
 * known (a node not yet reported might have enough). Null when some node could run it.
 */
export function gpuBlocker(numGpus: number | null, reach: readonly NodeReach[]): string | null {
  if (numGpus === null || reach.length === 0 || reach.some((node) => node.gpus === null || node.gpus.length >= numGpus)) return null;
  const sizes = reach.map((node) => `${node.name} has ${node.gpus!.length}`).join(', ');
  return `No GPU node has ${numGpus} GPUs (${sizes}): it waits until one does; retry it asking for fewer (numGpus).`;
}

const NO_NODES = 'no GPU node is configured ([[gpu.nodes]]) and no worker has reported one';

function describe(node: NodeReach): string {
  switch (node.state) {
    case 'unreachable':
      return `${node.name} unreachable since ${node.since} (${node.error})`;
    case 'not_contacted':
      return `${node.name} not yet contacted by a worker`;
    case 'reachable':
      return `${node.name} reachable since ${node.since}`;
  }
}
