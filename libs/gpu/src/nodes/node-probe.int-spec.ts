import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { H100, type SimulatedNode, startSimulatedNode } from '../../../gpu-sim/src/index.js';
import { dockerRun } from '../docker-command.js';
import { gpuNode, type GpuNode } from './gpu-node.js';
import { probeNode, type NodeStatus } from './node-probe.js';

const CONNECT_TIMEOUT_MS = 1000;

/** A port nothing listens on: connecting is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts TCP and never says a word: the SSH handshake can only time out. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

function reachable(status: NodeStatus): Extract<NodeStatus, { reachable: true }> {
  if (!status.reachable) throw new Error(`expected ${status.name} reachable, got: ${status.sshError}`);
  return status;
}

describe('probeNode against the simulated GPU node', () => {
  let dir: string;
  let simulated: SimulatedNode;
  let node: GpuNode;
  const elsewhere: GpuNode[] = [];

  const unreachableNode = (name: string, port: number): GpuNode => {
    const other = gpuNode({ ...simulated.ssh, name, port, connectTimeoutMs: CONNECT_TIMEOUT_MS }, simulated.executor, false);
    elsewhere.push(other);
    return other;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'node-probe-'));
    simulated = await startSimulatedNode({ name: 'sim-a', dir });
    node = gpuNode(simulated.ssh, simulated.executor, true);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([node, ...elsewhere].map((each) => each?.connection.close()));
    await simulated?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports the node, docker and the GPUs as nvidia-smi shows them', async () => {
    const status = reachable(await probeNode(node, { now: () => new Date('2025-06-01T12:00:00Z') }));
    expect(status).toMatchObject({ name: 'sim-a', simulated: true, host: '127.0.0.1', port: simulated.ssh.port, user: 'cosmos', checkedAt: '2025-06-01T12:00:00.000Z' });
    expect(status.docker).toEqual({ ok: true, version: '27.5.1', containers: [] });
    expect(status.gpus).toEqual({
      ok: true,
      driverVersion: '570.124.06',
      cudaVersion: '12.8',
      problems: [],
      gpus: [expect.objectContaining({ index: 0, name: H100.name, memoryTotalMiB: H100.memoryTotalMiB, memoryUsedMiB: 1, utilizationPercent: 0, powerLimitW: 700 })],
    });
  });

  it('lists a running container of ours with its job, kind, runs and GPUs, and leaves out one without our labels', async () => {
    const ours = dockerRun({
      name: 'cosmos_batch_inference_job_probe_a1',
      labels: { job: 'job_probe', kind: 'batch_inference', runs: ['run_a', 'run_b'] },
      image: simulated.executor.image,
      gpus: { devices: [0] },
      command: ['sleep', '60'],
      detached: true,
    });
    expect(await node.connection.exec(ours, { timeoutMs: 10_000 })).toMatchObject({ exitCode: 0 });
    const foreign = ['docker', 'run', '--detach', '--name', 'someone_elses', simulated.executor.image, 'sleep', '60'];
    expect(await node.connection.exec(foreign, { timeoutMs: 10_000 })).toMatchObject({ exitCode: 0 });
    const finished = dockerRun({ name: 'cosmos_inference_job_done_a1', labels: { job: 'job_done', kind: 'inference', runs: ['run_c'] }, image: simulated.executor.image, command: ['true'], detached: true });
    await node.connection.exec(finished, { timeoutMs: 10_000 });
    await node.connection.exec(['docker', 'wait', 'cosmos_inference_job_done_a1'], { timeoutMs: 10_000 });

    const status = reachable(await probeNode(node));
    expect(status.docker.ok && status.docker.containers).toEqual([
      {
        name: 'cosmos_batch_inference_job_probe_a1',
        id: expect.stringMatching(/^[0-9a-f]{64}$/),
        image: simulated.executor.image,
        jobId: 'job_probe',
        kind: 'batch_inference',
        runIds: ['run_a', 'run_b'],
        gpus: [0],
        state: 'running',
        startedAt: expect.any(String),
      },
    ]);
    const [container] = status.docker.ok ? status.docker.containers : [];
    expect(Math.abs(Date.parse(container!.startedAt!) - Date.now())).toBeLessThan(10_000);
    // The busy GPU shows the load nvidia-smi reports for a running model.
    expect(status.gpus.ok && status.gpus.gpus[0]).toMatchObject({ utilizationPercent: 97, memoryUsedMiB: H100.busyMemoryMiB });

    await node.connection.exec(['docker', 'kill', 'cosmos_batch_inference_job_probe_a1', 'someone_elses'], { timeoutMs: 10_000 });
  });

  it('reports a node whose port is closed as unreachable, with the reason, at once', async () => {
    const started = Date.now();
    const status = await probeNode(unreachableNode('closed', await closedPort()));
    expect(status).toMatchObject({ name: 'closed', reachable: false, sshError: expect.stringMatching(/^closed: .*ECONNREFUSED/) });
    expect(Date.now() - started).toBeLessThan(CONNECT_TIMEOUT_MS);
  });

  it('answers at once for a node whose connection is waiting out a reconnect backoff, with the last attempt\'s error', async () => {
    const down = gpuNode(
      { ...simulated.ssh, name: 'backing-off', port: await closedPort(), connectTimeoutMs: CONNECT_TIMEOUT_MS, reconnect: { maxAttempts: 3, baseDelayMs: 5_000, maxDelayMs: 5_000 } },
      simulated.executor,
      false,
    );
    elsewhere.push(down);
    // The worker's own use of the node: its first attempt is refused, then it sleeps 5 s before the next.
    const attempted = new Promise((resolve) => down.connection.once('connectFailed', resolve));
    const workerCall = down.connection.exec(['true'], { timeoutMs: 20_000 }).catch((error: unknown) => error);
    await attempted;

    const started = Date.now();
    const status = await probeNode(down);
    expect(status).toMatchObject({ reachable: false, sshError: expect.stringMatching(/^backing-off: .*ECONNREFUSED.*retrying/) });
    expect(Date.now() - started).toBeLessThan(200);
    await down.connection.close();
    await workerCall;
  });

  it('gives up on a silent node after its connect timeout, without holding up the others', async () => {
    const silent = await silentServer();
    try {
      const started = Date.now();
      const [fine, quiet] = await Promise.all([
        probeNode(node).then((status) => ({ status, tookMs: Date.now() - started })),
        probeNode(unreachableNode('silent', silent.port)).then((status) => ({ status, tookMs: Date.now() - started })),
      ]);
      expect(fine.status.reachable).toBe(true);
      expect(fine.tookMs).toBeLessThan(CONNECT_TIMEOUT_MS);
      expect(quiet.status).toMatchObject({ reachable: false, sshError: expect.stringMatching(/^silent: /) });
      expect(quiet.tookMs).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 50);
      expect(quiet.tookMs).toBeLessThan(CONNECT_TIMEOUT_MS + 500);
    } finally {
      await silent.close();
    }
  });
});
