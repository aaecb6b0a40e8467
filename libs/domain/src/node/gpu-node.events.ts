import type { DomainEvent } from '../shared/domain-event.js';

/** One stream per configured GPU node: whether the workers can reach it, since when, and why not. */
export function gpuNodeStream(node: string): string {
  return `gpunode-${node}`;
}

/** A worker could not reach the node (SSH refused, timed out, auth failed…): nothing is claimed for it until it answers. */
export type GpuNodeUnreachable = DomainEvent<'GpuNodeUnreachable', { node: string; error: string; since: string }>;
/** The node answers again (or for the first time); `downSince` says how long it was away. */
export type GpuNodeReachable = DomainEvent<'GpuNodeReachable', { node: string; since: string; downSince: string | null }>;

/** The GPU indices a worker found the node to share out among its jobs: when first found, and whenever they change. */
export type GpuNodeGpusFound = DomainEvent<'GpuNodeGpusFound', { node: string; gpus: number[]; at: string }>;

export type GpuNodeEvent = GpuNodeUnreachable | GpuNodeReachable | GpuNodeGpusFound;

export const GPU_NODE_EVENT_TYPES: readonly GpuNodeEvent['type'][] = ['GpuNodeUnreachable', 'GpuNodeReachable', 'GpuNodeGpusFound'];
