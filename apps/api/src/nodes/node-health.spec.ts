import { type GpuNodeDoc, INITIAL_QUEUE } from '../../../../libs/read-models/src/index.js';
import { gpuBlocker, nodeReach, nodesReadiness, queueBlocker } from './node-health.js';

const down: GpuNodeDoc = { id: 'a', reachable: false, since: '2026-12-03T10:00:00.000Z', error: 'a: connect ECONNREFUSED 127.0.0.1:1', downSince: null };
const up: GpuNodeDoc = { id: 'b', reachable: true, since: '2026-12-03T09:00:00.000Z', error: null, downSince: null };

describe('node health', () => {
  it('lists configured nodes in config order, a node no worker reported on as not contacted, and ignores nodes no longer configured', () => {
    const gone: GpuNodeDoc = { ...up, id: 'old' };
    expect(nodeReach(['b', 'a', 'c'], [down, up, gone])).toEqual([
      { name: 'b', state: 'reachable', since: up.since, error: null, gpus: null },
      { name: 'a', state: 'unreachable', since: down.since, error: down.error, gpus: null },
      { name: 'c', state: 'not_contacted', since: null, error: null, gpus: null },
    ]);
  });

  it('reads ok, waiting while some are not contacted, and degraded naming every node that is not up while one is down', () => {
    expect(nodesReadiness(nodeReach(['b'], [up]))).toBe('ok');
    expect(nodesReadiness(nodeReach(['b', 'c'], [up]))).toBe('waiting: c not yet contacted by a worker');
    expect(nodesReadiness(nodeReach(['a', 'b', 'c'], [down, up]))).toBe(
      `degraded: a unreachable since ${down.since} (${down.error}); c not yet contacted by a worker`,
    );
  });

  it('says a job waits for GPUs no node has, once every node reported its GPUs', () => {
    const four = { ...up, gpus: [0, 1, 2, 3] };
    const two = { ...down, gpus: [0, 1] };
    expect(gpuBlocker(8, nodeReach(['b', 'a'], [four, two]))).toBe('No GPU node has 8 GPUs (b has 4, a has 2): it waits until one does; retry it asking for fewer (numGpus).');
    expect(gpuBlocker(4, nodeReach(['b', 'a'], [four, two]))).toBeNull();
    // A node not yet reported might have enough; a job queued before GPU slots takes whatever a node has.
    expect(gpuBlocker(8, nodeReach(['b', 'c'], [four]))).toBeNull();
    expect(gpuBlocker(null, nodeReach(['b'], [four]))).toBeNull();
  });

  it('says why a queued job waits: a pause first, then no reachable node; nothing while one node answers', () => {
    const paused = { ...INITIAL_QUEUE, paused: true, pausedBy: 'alice', pausedAt: '2026-12-03T11:00:00.000Z', pauseReason: 'driver update' };
    expect(queueBlocker(paused, nodeReach(['b'], [up]))).toBe(
      'The queue is paused (by alice at 2026-12-03T11:00:00.000Z: driver update); resumeQueue lets nodes claim again.',
    );
    expect(queueBlocker(INITIAL_QUEUE, nodeReach(['a', 'b'], [down, up]))).toBeNull();
    expect(queueBlocker(INITIAL_QUEUE, nodeReach(['a', 'c'], [down]))).toBe(
      `No GPU node can be reached: a unreachable since ${down.since} (${down.error}); c not yet contacted by a worker.`,
    );
    expect(queueBlocker(INITIAL_QUEUE, nodeReach(['a', 'c'], []))).toBe('No worker has reported on a GPU node yet (a, c): is a worker process running?');
  });

  it('says when there is no node at all, rather than listing none', () => {
    expect(nodesReadiness([])).toBe('none: no GPU node is configured ([[gpu.nodes]]) and no worker has reported one');
    expect(queueBlocker(INITIAL_QUEUE, [])).toBe('Nothing can run it: no GPU node is configured ([[gpu.nodes]]) and no worker has reported one.');
  });
});
