import { assertNever, GPU_NODE_EVENT_TYPES, type GpuNodeEvent, gpuNodeStream } from '../../../domain/src/index.js';
import { type RecordedEvent, streamCategory } from '../../../eventstore/src/index.js';
import type { Projection } from '../projections/projection.js';

export const GPU_NODES_COLLECTION = 'nodes';

/** What the workers last found a GPU node to be; one document per node a worker has tried. */
export interface GpuNodeDoc {
  readonly id: string;
  readonly reachable: boolean;
  /** Since when it has been as it is now. */
  readonly since: string;
  /** Why it cannot be reached; null while it answers. */
  readonly error: string | null;
  /** When it last went away, while it is up again; null otherwise. */
  readonly downSince: string | null;
  /** The GPU indices it shares out among its jobs, as a worker found them; null until one did. */
  readonly gpus?: readonly number[] | null;
  readonly [field: string]: unknown;
}

export const gpuNodesProjection: Projection<GpuNodeDoc> = {
  name: 'nodes',
  version: 2, // 2: gpus
  collection: GPU_NODES_COLLECTION,
  filter: { streamPrefixes: [`${streamCategory(gpuNodeStream('x'))}-`], eventTypes: GPU_NODE_EVENT_TYPES },
  documentIds: (event) => [(event.data as { node: string }).node],

  evolve(doc, recorded: RecordedEvent) {
    const event = recorded as unknown as GpuNodeEvent;
    const gpus = doc?.gpus ?? null;
    switch (event.type) {
      case 'GpuNodeUnreachable':
        return { id: event.data.node, reachable: false, since: event.data.since, error: event.data.error, downSince: null, gpus };
      case 'GpuNodeReachable':
        return { id: event.data.node, reachable: true, since: event.data.since, error: null, downSince: event.data.downSince, gpus };
      case 'GpuNodeGpusFound':
        // Found once a worker reached the node, so a document exists; without one, it answered then.
        return { ...(doc ?? { id: event.data.node, reachable: true, since: event.data.at, error: null, downSince: null }), gpus: event.data.gpus };
      default:
        return assertNever(event);
    }
  },
};
