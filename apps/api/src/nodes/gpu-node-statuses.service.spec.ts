import { setTimeout as sleep } from 'node:timers/promises';
import type { CosmosConfig } from '../../../../libs/config/src/index.js';
import { type ExecResult, type GpuNode, gpuNodeList, type SshConnection } from '../../../../libs/gpu/src/index.js';
import { GpuNodeStatuses } from './gpu-node-statuses.service.js';

const INTERVAL_MS = 20;

/** A connected node whose docker answers from `containers`; counts the probes it sees. */
function fakeNode(name: string) {
  const state = { probes: 0, containers: [] as string[] };
  const answer = (stdout: string): ExecResult => ({ exitCode: 0, signal: null, stdout, stderr: '', truncated: false });
  const connection = {
    isConnected: true,
    reconnectingAfter: null,
    node: { name, connectTimeoutMs: 1000 },
    exec: async (argv: readonly string[]) => {
      if (argv.includes('info')) {
        state.probes++;
        return answer('{"ServerVersion":"27.5.1"}');
      }
      if (argv.includes('ps')) return answer(state.containers.map((c) => JSON.stringify({ Names: c, Labels: `cosmos.job=job_${c}` })).join('\n'));
      return answer(argv.length > 1 ? '0, NVIDIA H100, 81559, 1, 81558, 0, 34, 69.41, 700.00, 345, 1980, 570.124.06\n' : 'CUDA Version: 12.8');
    },
  } as unknown as SshConnection;
  const node: GpuNode = { name, simulated: false, host: 'gpu', port: 22, user: 'cosmos', executor: { sudo: false } as GpuNode['executor'], connection };
  return { node, state };
}

describe('GpuNodeStatuses', () => {
  const config = { gpu: { statusIntervalMs: INTERVAL_MS } } as CosmosConfig;
  const clock = { now: () => new Date() };

  it('shares one probe loop among subscribers, publishes changes only, and stops when the last one leaves', async () => {
    const { node, state } = fakeNode('a');
    const statuses = new GpuNodeStatuses(gpuNodeList([node]), clock, config);

    const first = statuses.watch();
    const second = statuses.watch();
    const [one, two] = await Promise.all([first.next(), second.next()]);
    expect(one.value).toEqual([expect.objectContaining({ name: 'a', reachable: true })]);
    expect(two.value).toBe(one.value);
    expect(state.probes).toBe(1);

    await sleep(INTERVAL_MS * 4);
    expect(state.probes).toBeGreaterThan(1);
    state.containers = ['c1'];
    const changed = await first.next();
    expect(changed.value?.[0]).toMatchObject({ docker: { ok: true, containers: [expect.objectContaining({ name: 'c1', jobId: 'job_c1' })] } });

    // A late subscriber gets the latest list at once, not after the next interval.
    const third = statuses.watch();
    expect((await third.next()).value).toBe(changed.value);

    await Promise.all([first.return!(), second.return!(), third.return!()]);
    const probes = state.probes;
    await sleep(INTERVAL_MS * 4);
    expect(state.probes).toBeLessThanOrEqual(probes + 1);
    const settled = state.probes;
    await sleep(INTERVAL_MS * 4);
    expect(state.probes).toBe(settled);
  });

  it('ends a subscriber that waits for the next change at once when it unsubscribes', async () => {
    const { node } = fakeNode('b');
    const statuses = new GpuNodeStatuses(gpuNodeList([node]), clock, config);
    const feed = statuses.watch();
    await feed.next();
    const waiting = feed.next();
    await feed.return!();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    statuses.onModuleDestroy();
  });
});
