import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig, type PromptInputs, type VideoFacts } from '../../../domain/src/index.js';
import { SIMULATED_REMOTE_DIR, type SimulatedNode, startSimulatedNode } from '../../../gpu-sim/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { dockerRemove } from '../docker-command.js';
import { GradioClient } from '../model-server/gradio-client.js';
import { MODEL_SERVER_CONTAINER, modelServerRun } from '../model-server/model-server-container.js';
import { gpuNode, type GpuNode } from '../nodes/gpu-node.js';
import { ExecutionFailure } from './execution-failure.js';
import type { SingleInferenceExecution } from './single-inference.executor.js';
import { executeWarmInference } from './warm-inference.executor.js';

const PORT = 18_081;
const facts: VideoFacts = { path: 'clip/color.mp4', frames: 4, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };
const inputs: PromptInputs = { videoDir: 'clip', color: facts, depth: null, segmentation: null };
const config: InferenceConfig = { ...DEFAULT_INFERENCE_CONFIG, numSteps: 10, weights: { vis: 0, edge: 0.5, depth: 0, seg: 0 } };
const target = { port: PORT, idleTimeoutMs: 2000 };

describe('executeWarmInference on the simulated model server', () => {
  let dir: string;
  let simulated: SimulatedNode;
  let node: GpuNode;
  let inputsRoot: string;
  let outputsRoot: string;
  let serial = 0;

  const execution = (change: Partial<SingleInferenceExecution> = {}): SingleInferenceExecution => {
    serial += 1;
    const runId = `rs_${String(serial).padStart(32, '0')}`;
    return {
      connection: node.connection,
      node: node.executor,
      jobId: `js_${String(serial).padStart(32, '0')}`,
      attempt: 1,
      inputsRoot,
      outputsRoot,
      timeoutMs: 10_000,
      run: { runId, prompt: { text: 'a city at night', negativePrompt: 'blurry', inputs }, config },
      ...change,
    };
  };
  const startServer = async () => {
    await node.connection.exec(modelServerRun(node.executor, { devices: [0], hostPort: PORT }), { timeoutMs: 5000 });
    const client = new GradioClient(node.connection, PORT);
    while (!(await client.ready())) await sleep(50);
  };
  const restartServer = async () => {
    await node.connection.exec(['docker', 'rm', '--force', MODEL_SERVER_CONTAINER], { timeoutMs: 5000 });
    await startServer();
  };
  const nodeFolder = (path: string) => join(simulated.root, SIMULATED_REMOTE_DIR, path);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'warm-executor-'));
    inputsRoot = join(dir, 'inputs');
    outputsRoot = join(dir, 'outputs');
    await makeTestVideo(join(inputsRoot, facts.path), { frames: 4 });
    simulated = await startSimulatedNode({ name: 'warm-1', dir, behaviour: { durationMs: 200, modelLoadMs: 300, serverHeartbeatMs: 100 } });
    node = gpuNode(simulated.ssh, { ...simulated.executor, gpus: { devices: [0] } }, true);
    await startServer();
  }, 30_000);
  afterAll(async () => {
    await node.connection.close();
    await simulated.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    simulated.behaviour.outcome = { kind: 'succeed' };
  });

  it('runs on the loaded server, brings its outputs home with a manifest, and leaves nothing on the node', async () => {
    const stages: string[] = [];
    const request = execution({ onStage: (stage) => void (stages.at(-1) === stage || stages.push(stage)) });
    const result = await executeWarmInference(request, target);
    expect(stages).toEqual(['uploading', 'running', 'downloading']);
    expect(result.outputs.map((file) => file.name).sort()).toEqual(['execution.log', 'manifest.json', 'output.mp4', 'output.txt']);
    const folder = join(outputsRoot, `run_${request.run.runId}`);
    expect(readFileSync(join(folder, 'output.txt'), 'utf8')).toBe('a city at night');
    expect(readFileSync(join(folder, 'execution.log'), 'utf8')).toMatch(/Video generated successfully!/);
    expect(readdirSync(nodeFolder('model-server/outputs'))).toEqual([]);
    expect(existsSync(nodeFolder(`model-server/requests/${request.jobId}-a1`))).toBe(false);
    // Again for the same attempt: the manifest answers, nothing is submitted.
    expect((await executeWarmInference(request, target)).manifestPath).toBe(result.manifestPath);
  });

  it('types the server failures as a container would be', async () => {
    await expect(executeWarmInference(execution({ run: { ...execution().run, config: { ...config, fps: 30 } } }), target)).rejects.toMatchObject({ reason: 'VALIDATION' });
    simulated.behaviour.outcome = { kind: 'fail', exitCode: 1, message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB' };
    await expect(executeWarmInference(execution(), target)).rejects.toMatchObject({ reason: 'OOM_KILLED' });
    simulated.behaviour.outcome = { kind: 'hang' };
    await expect(executeWarmInference(execution({ timeoutMs: 800 }), target)).rejects.toMatchObject({ reason: 'TIMEOUT' });
    // A hung server holds every later request behind the one it hangs on: only a restart frees it.
    await restartServer();
  });

  it('re-reads the same request after the worker lost it, and settles it as interrupted when the server restarted', async () => {
    simulated.behaviour.durationMs = 800;
    const request = execution();
    const cut = new AbortController();
    // The first worker goes away mid-request (its signal here stands for the process ending).
    const first = executeWarmInference({ ...request, signal: cut.signal }, target);
    await sleep(400);
    cut.abort();
    await expect(first).rejects.toBeInstanceOf(ExecutionFailure);
    const again = await executeWarmInference(request, target);
    expect(again.outputs.some((file) => file.name === 'output.mp4')).toBe(true);

    const lost = execution();
    const cutAgain = new AbortController();
    const interrupted = executeWarmInference({ ...lost, signal: cutAgain.signal }, target);
    await sleep(400);
    cutAgain.abort();
    await interrupted.catch(() => undefined);
    await restartServer();
    await expect(executeWarmInference(lost, target)).rejects.toMatchObject({ reason: 'INTERRUPTED' });
    simulated.behaviour.durationMs = 200;
  });

  it('a server crash mid-request fails the run as the container exiting', async () => {
    simulated.behaviour.outcome = { kind: 'fail', exitCode: 139, message: 'segfault' };
    await expect(executeWarmInference(execution(), target)).rejects.toMatchObject({ reason: 'CONTAINER_EXIT' });
    simulated.behaviour.outcome = { kind: 'succeed' };
    await node.connection.exec(dockerRemove(MODEL_SERVER_CONTAINER), { timeoutMs: 5000 });
    await startServer();
    expect((await executeWarmInference(execution(), target)).exitCode).toBe(0);
  });
});
