import { deciderSpec } from '../../../testing/src/index.js';
import { gpuNodeDecider } from './gpu-node.decider.js';
import type { GpuNodeGpusFound, GpuNodeReachable, GpuNodeUnreachable } from './gpu-node.events.js';

const spec = deciderSpec(gpuNodeDecider);
const t1 = '2026-12-03T10:00:00.000Z';
const t2 = '2026-12-03T10:05:00.000Z';
const t3 = '2026-12-03T10:09:00.000Z';
const down: GpuNodeUnreachable = { type: 'GpuNodeUnreachable', data: { node: 'a100', error: 'connect ECONNREFUSED 127.0.0.1:22', since: t1 } };
const back: GpuNodeReachable = { type: 'GpuNodeReachable', data: { node: 'a100', since: t2, downSince: t1 } };

describe('gpu node decider', () => {
  it('records a node first found down with the reason', () => {
    spec.given([]).when({ type: 'ReportNodeContact', node: 'a100', error: 'connect ECONNREFUSED 127.0.0.1:22', now: t1 }).then([down]);
  });

  it('records a node first found up, with no downtime', () => {
    spec.given([]).when({ type: 'ReportNodeContact', node: 'a100', error: null, now: t1 }).then([
      { type: 'GpuNodeReachable', data: { node: 'a100', since: t1, downSince: null } },
    ]);
  });

  it('adds nothing while the node stays down, even when the reason changes', () => {
    spec.given([down]).when({ type: 'ReportNodeContact', node: 'a100', error: 'Timed out while waiting for handshake', now: t2 }).then([]);
  });

  it('records the node coming back with when it went away', () => {
    spec.given([down]).when({ type: 'ReportNodeContact', node: 'a100', error: null, now: t2 }).then([back]);
  });

  it('adds nothing while the node stays up, and records it going down again', () => {
    spec.given([down, back]).when({ type: 'ReportNodeContact', node: 'a100', error: null, now: t3 }).then([]);
    spec.given([down, back]).when({ type: 'ReportNodeContact', node: 'a100', error: 'gone', now: t3 }).then([
      { type: 'GpuNodeUnreachable', data: { node: 'a100', error: 'gone', since: t3 } },
    ]);
  });

  it('folds to the latest contact', () => {
    spec.given([down]).thenState({ status: 'Unreachable', since: t1, error: 'connect ECONNREFUSED 127.0.0.1:22' });
    spec.given([down, back]).thenState({ status: 'Reachable', since: t2 });
  });

  it('records the GPUs a worker found when they are new or changed, and keeps them across contacts', () => {
    const found: GpuNodeGpusFound = { type: 'GpuNodeGpusFound', data: { node: 'a100', gpus: [0, 1, 2, 3], at: t2 } };
    spec.given([back]).when({ type: 'ReportNodeGpus', node: 'a100', gpus: [0, 1, 2, 3], now: t2 }).then([found]);
    spec.given([back, found]).when({ type: 'ReportNodeGpus', node: 'a100', gpus: [0, 1, 2, 3], now: t3 }).then([]);
    spec.given([back, found]).when({ type: 'ReportNodeGpus', node: 'a100', gpus: [0, 1], now: t3 }).then([{ type: 'GpuNodeGpusFound', data: { node: 'a100', gpus: [0, 1], at: t3 } }]);
    spec.given([back, found, down]).thenState({ status: 'Unreachable', since: t1, error: 'connect ECONNREFUSED 127.0.0.1:22', gpus: [0, 1, 2, 3] });
  });
});
