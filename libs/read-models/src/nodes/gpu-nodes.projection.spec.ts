import type { RecordedEvent } from '../../../eventstore/src/index.js';
import { type GpuNodeDoc, gpuNodesProjection } from './gpu-nodes.projection.js';

const recorded = (type: string, data: { node: string }, revision: number, position: number): RecordedEvent => ({
  id: `e${position}`,
  streamId: `gpunode-${data.node}`,
  revision,
  position,
  type,
  data,
  recordedAt: '2026-12-03T10:00:00.000Z',
  metadata: { occurredAt: '2026-12-03T10:00:00.000Z', correlationId: 'c', causationId: 'c', schemaVersion: 1, actor: 'system:worker' },
});

describe('gpu nodes projection', () => {
  const down = recorded('GpuNodeUnreachable', { node: 'a100-1', error: 'connect ECONNREFUSED', since: '2026-12-03T10:00:00.000Z' } as { node: string }, 0, 4);
  const back = recorded('GpuNodeReachable', { node: 'a100-1', since: '2026-12-03T10:07:00.000Z', downSince: '2026-12-03T10:00:00.000Z' } as { node: string }, 1, 9);

  it('keeps one document per node, named by the node', () => {
    expect(gpuNodesProjection.documentIds(down)).toEqual(['a100-1']);
  });

  it('says since when a node is down and why, then since when it is back and how long it was away', () => {
    const afterDown = gpuNodesProjection.evolve(null, down)!;
    expect(afterDown).toEqual({ id: 'a100-1', reachable: false, since: '2026-12-03T10:00:00.000Z', error: 'connect ECONNREFUSED', downSince: null, gpus: null });
    expect(gpuNodesProjection.evolve({ ...afterDown, _position: 4, _revision: 1 }, back)).toEqual({
      id: 'a100-1',
      reachable: true,
      since: '2026-12-03T10:07:00.000Z',
      error: null,
      downSince: '2026-12-03T10:00:00.000Z',
      gpus: null,
    });
  });

  it('keeps the GPUs a worker found across later contacts', () => {
    const found = recorded('GpuNodeGpusFound', { node: 'a100-1', gpus: [0, 1], at: '2026-12-03T10:08:00.000Z' } as { node: string }, 2, 11);
    const stored = (doc: GpuNodeDoc | null, position: number) => ({ ...doc!, _position: position, _revision: 1 });
    const withGpus = gpuNodesProjection.evolve(stored(gpuNodesProjection.evolve(null, back), 9), found);
    expect(withGpus).toMatchObject({ reachable: true, since: '2026-12-03T10:07:00.000Z', gpus: [0, 1] });
    expect(gpuNodesProjection.evolve(stored(withGpus, 11), down)).toMatchObject({ reachable: false, gpus: [0, 1] });
  });
});
