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
  readonly [field: string]: unknown;
}

export const gpuNodesProjection: Projection<GpuNodeDoc> = {
  name: 'nodes',
  collection: GPU_NODES_COLLECTION,
  filter: { streamPrefixes: [`${streamCategory(gpuNodeStream('x'))}-`], eventTypes: GPU_NODE_EVENT_TYPES },
  documentIds: (event) => [(event.data as { node: string }).node],

  evolve(_doc, recorded: RecordedEvent) {
    const event = recorded as unknown as GpuNodeEvent;
    switch (event.type) {
      case 'GpuNodeUnreachable':
        return { id: event.data.node, reachable: false, since: event.data.since, error: event.data.error, downSince: null };
      case 'GpuNodeReachable':
        return { id: event.data.node, reachable: true, since: event.data.since, error: null, downSince: event.data.downSince };
      default:
        return assertNever(event);
    }
  },
};
