import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { savedOutputDir } from '../../../domain/src/index.js';
import { SIMULATED_REMOTE_DIR, type SimulatedNode, startSimulatedNode } from '../../../gpu-sim/src/index.js';
import { dockerInspect, dockerRemove } from '../docker-command.js';
import { gpuNode, type GpuNode } from '../nodes/gpu-node.js';
import { GradioClient, type GradioOutcome, ModelServerUnreachable } from './gradio-client.js';
import { MODEL_SERVER_CONTAINER, modelServerRun } from './model-server-container.js';

const LOAD_MS = 600;
const PORT = 18_080;
const STREAM = { idleTimeoutMs: 5000 };

/** The Gradio model server on the simulated node, reached only through SSH port forwarding. */
describe('the model server over a forwarded port', () => {
  let dir: string;
  let simulated: SimulatedNode;
  let node: GpuNode;
  let client: GradioClient;

  const hostPath = (path: string) => join(simulated.root, SIMULATED_REMOTE_DIR, path);
  const start = async () => {
    const started = await node.connection.exec(modelServerRun(node.executor, { devices: [0], hostPort: PORT }), { timeoutMs: 10_000 });
    expect(started.stderr).toBe('');
    expect(started.exitCode).toBe(0);
  };
  const waitReady = async (): Promise<number> => {
    const began = Date.now();
    while (!(await client.ready())) await sleep(50);
    return Date.now() - began;
  };
  const request = (hints: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ prompt: 'a city', input_video_path: '/workspace/runs/r1/inputs/color.mp4', ...hints, ...extra });
  const generate = async (text: string): Promise<{ outcome: GradioOutcome; ms: number }> => {
    const began = Date.now();
    const eventId = await client.submit('generate_video', [text]);
    return { outcome: await client.result('generate_video', eventId, STREAM), ms: Date.now() - began };
  };
  const status = (outcome: GradioOutcome) => (outcome.kind === 'complete' ? String(outcome.data[1]) : outcome.kind);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'model-server-'));
    simulated = await startSimulatedNode({ name: 'warm-1', dir, behaviour: { modelLoadMs: LOAD_MS, durationMs: 100, serverHeartbeatMs: 100 } });
    node = gpuNode(simulated.ssh, { ...simulated.executor, gpus: { devices: [0] } }, true);
    client = new GradioClient(node.connection, PORT);
    mkdirSync(hostPath('runs/r1/inputs'), { recursive: true });
    writeFileSync(hostPath('runs/r1/inputs/color.mp4'), 'not really a video');
  });

  afterEach(async () => {
    await node.connection.close();
    await simulated.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the forward until the pipeline is loaded, then serves requests with the load paid once', async () => {
    expect(await client.ready()).toBe(false);
    await start();
    expect(await waitReady()).toBeGreaterThanOrEqual(LOAD_MS - 100);

    const first = await generate(request({ edge: { control_weight: 1 } }));
    const folder = savedOutputDir(status(first.outcome));
    expect(folder).toMatch(/^\/workspace\/model-server\/outputs\/generation_\d{8}_\d{6}$/);
    expect(readFileSync(hostPath(`${folder!.replace('/workspace/', '')}/output.mp4`), 'utf8')).toBe('not really a video');
    expect(existsSync(hostPath(`${folder!.replace('/workspace/', '')}/output.txt`))).toBe(true);
    // Warm: sampling only, no load.
    const second = await generate(request({ edge: { control_weight: 0.5 } }));
    expect(status(second.outcome)).toMatch(/^Video generated successfully!/);
    expect(second.ms).toBeLessThan(LOAD_MS);
    // Other hints: the server reloads first.
    const reloaded = await generate(request({ depth: { control_weight: 1 } }));
    expect(status(reloaded.outcome)).toMatch(/^Video generated successfully!/);
    expect(reloaded.ms).toBeGreaterThanOrEqual(LOAD_MS);
  });

  it('answers a request it cannot serve with its own error text, and keeps serving', async () => {
    await start();
    await waitReady();
    expect(status((await generate(request({ edge: {} }, { fps: 30 }))).outcome)).toBe("Error: TypeError: validate_params() got an unexpected keyword argument 'fps'");
    expect(status((await generate(request({ keypoint: {} }))).outcome)).toBe('Error: ValueError: Invalid hint_key: keypoint');
    simulated.behaviour.outcome = { kind: 'fail', exitCode: 1, message: 'torch.OutOfMemoryError: CUDA out of memory' };
    expect(status((await generate(request({ edge: {} }))).outcome)).toBe('Error: torch.OutOfMemoryError: CUDA out of memory');
    simulated.behaviour.outcome = { kind: 'succeed' };
    expect(status((await generate(request({ edge: {} }))).outcome)).toMatch(/^Video generated successfully!/);
  });

  it('lets a reader that lost its stream read the event again, until one saw it end', async () => {
    await start();
    await waitReady();
    const eventId = await client.submit('generate_video', [request({ edge: {} })]);
    const cut = new AbortController();
    const lost = client.result('generate_video', eventId, { ...STREAM, signal: cut.signal });
    await sleep(30);
    cut.abort();
    await expect(lost).rejects.toBeInstanceOf(ModelServerUnreachable);
    expect(status(await client.result('generate_video', eventId, STREAM))).toMatch(/^Video generated successfully!/);
    expect(await client.result('generate_video', eventId, STREAM)).toEqual({ kind: 'unknown' });
  });

  it('a crash ends the container and its stream; a restarted server knows none of the old events', async () => {
    await start();
    await waitReady();
    simulated.behaviour.outcome = { kind: 'fail', exitCode: 139, message: 'segfault' };
    const eventId = await client.submit('generate_video', [request({ edge: {} })]);
    await expect(client.result('generate_video', eventId, STREAM)).rejects.toBeInstanceOf(ModelServerUnreachable);
    const inspected = await node.connection.exec(dockerInspect(MODEL_SERVER_CONTAINER, '{{.State.Status}} {{.State.ExitCode}}'), { timeoutMs: 5000 });
    expect(inspected.stdout.trim()).toBe('exited 139');
    expect(await client.ready()).toBe(false);

    simulated.behaviour.outcome = { kind: 'succeed' };
    await node.connection.exec(dockerRemove(MODEL_SERVER_CONTAINER), { timeoutMs: 5000 });
    await start();
    await waitReady();
    expect(await client.result('generate_video', eventId, STREAM)).toEqual({ kind: 'unknown' });
  });

  it('a hung server keeps answering heartbeats; a silent one is told apart by the idle bound', async () => {
    await start();
    await waitReady();
    simulated.behaviour.outcome = { kind: 'hang' };
    const eventId = await client.submit('generate_video', [request({ edge: {} })]);
    const cut = AbortSignal.timeout(400);
    // Heartbeats keep the stream alive: only the caller's own bound (the job's timeout) ends the wait.
    await expect(client.result('generate_video', eventId, { idleTimeoutMs: 300, signal: cut })).rejects.toMatchObject({ hung: false });
    simulated.behaviour.serverHeartbeatMs = 2000;
    await expect(client.result('generate_video', eventId, { idleTimeoutMs: 300 })).rejects.toMatchObject({ hung: true });
  });

  it('publishes the port on the node loopback only, and one server per node', async () => {
    const argv = modelServerRun(node.executor, { devices: [0], hostPort: PORT });
    expect(argv).toEqual(expect.arrayContaining(['--publish', `127.0.0.1:${PORT}:8080`, '--gpus', '"device=0"', '--env', 'NUM_GPU=1']));
    await start();
    const again = await node.connection.exec(argv, { timeoutMs: 5000 });
    expect(again.exitCode).toBe(125);
    expect(again.stderr).toMatch(/Conflict\. The container name "\/cosmos-model-server" is already in use/);
  });
});
