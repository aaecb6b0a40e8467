import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { buildInferenceSpec, buildUpsamplerBatch, DEFAULT_INFERENCE_CONFIG, type InferenceLaunch, type ModelCommand, parseUpsamplerResult, type PromptInputs, type VideoFacts } from '../../domain/src/index.js';
import { dockerKill, dockerLogs, dockerRun, dockerWait } from '../../gpu/src/index.js';
import { makeTestVideo } from '../../media/src/testing/index.js';
import { DEFAULT_IMAGE } from './simulated-behaviour.js';
import { startSimulatedGpuHost, type SimulatedGpuHost } from './simulated-gpu.fixture.js';
import { call } from './ssh-client.fixture.js';

const REMOTE = '/remote/cosmos-transfer1';
const facts: VideoFacts = { path: 'clip/color.mp4', frames: 24, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };
const inputs: PromptInputs = { videoDir: 'clip', color: facts, depth: null, segmentation: null };
const config = { ...DEFAULT_INFERENCE_CONFIG, weights: { vis: 0, edge: 0.5, depth: 0, seg: 0 } };

describe('model stand-ins (torchrun transfer.py and the prompt upsampler) inside docker', () => {
  let host: SimulatedGpuHost;
  let localVideo: string;
  let workDir: string;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'gpu-sim-transfer-'));
    localVideo = join(workDir, 'color.mp4');
    await makeTestVideo(localVideo, { frames: 4 });
    host = await startSimulatedGpuHost();
    mkdirSync(join(host.root, REMOTE), { recursive: true });
  }, 20_000);
  afterAll(async () => {
    await host?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    host.behaviour.outcome = { kind: 'succeed' };
    host.behaviour.durationMs = 300;
  });

  /** Uploads the colour video over SFTP and writes the launch's files, as the worker does. */
  async function prepare(runId: string, spec?: unknown): Promise<InferenceLaunch> {
    const launch = buildInferenceSpec({ runId, prompt: { text: `A city at night (${runId})`, negativePrompt: 'blurry', inputs }, config });
    for (const upload of launch.uploads) {
      await mkdirRemote(dirname(`${REMOTE}/${upload.to}`));
      await call((done) => host.sftp.fastPut(localVideo, `${REMOTE}/${upload.to}`, done));
    }
    for (const file of launch.files) {
      const text = spec === undefined ? file.text : `${JSON.stringify(spec, null, 2)}\n`;
      writeFileSync(join(host.root, REMOTE, file.path), text);
    }
    return launch;
  }

  async function mkdirRemote(path: string): Promise<void> {
    mkdirSync(join(host.root, path), { recursive: true });
  }

  function launch(name: string, command: ModelCommand) {
    return host.exec(
      dockerRun({
        name,
        labels: { job: `job_${name}`, kind: 'inference', runs: [`rs_${name}`] },
        image: DEFAULT_IMAGE,
        gpus: { count: 1 },
        volumes: [{ host: REMOTE, container: '/workspace' }],
        workdir: '/workspace',
        env: command.env,
        command: command.args,
        detached: true,
      }),
    );
  }

  it('runs a single inference: progress streams while it runs, wait prints 0, the outputs exist', async () => {
    const run = await prepare('rs_single');
    expect(await launch('single', run)).toMatchObject({ code: 0 });
    const logs = await host.exec(dockerLogs('single', { follow: true }));
    expect(logs.code).toBe(0);
    const started = logs.stdoutAt.find((chunk) => chunk.text.includes('Starting diffusion sampling'));
    expect(started).toBeDefined();
    // Followed, not replayed: the first line came well before the container ended.
    expect(started!.ms).toBeLessThan(logs.exitAt - 150);
    expect(logs.stdout).toMatch(/^\[\d\d-\d\d \d\d:\d\d:\d\d\|INFO\|cosmos_transfer1\/diffusion\/inference\/transfer\.py:\d+:demo\] Starting diffusion sampling$/m);
    expect(logs.stdout).toContain(`Saved video to ${run.outputs.video}`);
    expect(logs.stderr).toMatch(/^ 48%\|.*\| 17\/35 \[/m);
    expect(logs.stderr).toMatch(/^100%\|██████████\| 35\/35 \[/m);
    expect(await host.exec(dockerWait('single'))).toMatchObject({ stdout: '0\n' });

    const out = join(host.root, REMOTE, run.outputs.dir);
    expect(readFileSync(join(host.root, REMOTE, run.outputs.video))).toEqual(readFileSync(localVideo));
    expect(readFileSync(join(host.root, REMOTE, run.outputs.promptText), 'utf8')).toBe('A city at night (rs_single)');
    expect(existsSync(join(out, 'edge_input_control_0.mp4'))).toBe(true);
    expect(existsSync(join(out, 'vis_input_control_0.mp4'))).toBe(false);
  });

  it('rejects an invalid hint key with the model message and exit 1', async () => {
    const valid = buildInferenceSpec({ runId: 'rs_badhint', prompt: { text: 'x', negativePrompt: '', inputs }, config }).spec;
    const run = await prepare('rs_badhint', { ...valid, bogus: { control_weight: 0.5 } });
    await launch('badhint', run);
    expect(await host.exec(dockerWait('badhint'))).toMatchObject({ stdout: '1\n' });
    const logs = await host.exec(dockerLogs('badhint'));
    expect(logs.stderr).toContain(
      "\nValueError: Invalid hint_key: bogus. Must be one of {'vis', 'seg', 'edge', 'depth', 'keypoint', 'upscale', 'hdmap', 'lidar'}\n",
    );
    expect(existsSync(join(host.root, REMOTE, run.outputs.video))).toBe(false);
  });

  it('reports a guardrail block as the model does and exits 1', async () => {
    host.behaviour.outcome = { kind: 'guardrailBlock', reason: 'Prompt contains blocked words' };
    const run = await prepare('rs_guard');
    await launch('guard', run);
    expect(await host.exec(dockerWait('guard'))).toMatchObject({ stdout: '1\n' });
    const logs = await host.exec(dockerLogs('guard'));
    expect(logs.stdout).toMatch(/\|CRITICAL\|.*\] GUARDRAIL BLOCKED: Prompt contains blocked words\n/);
    expect(logs.stdout).toContain('] Guardrail blocked generation for entire batch.\n');
    expect(logs.stderr).toContain('TypeError: cannot unpack non-iterable NoneType object');
  });

  it('fails with the configured exit code and message halfway through sampling', async () => {
    host.behaviour.outcome = { kind: 'fail', exitCode: 3, message: 'torch.OutOfMemoryError: CUDA out of memory.' };
    await launch('oom', await prepare('rs_oom'));
    expect(await host.exec(dockerWait('oom'))).toMatchObject({ stdout: '3\n' });
    const logs = await host.exec(dockerLogs('oom'));
    expect(logs.stderr).toContain('torch.OutOfMemoryError: CUDA out of memory.\n');
    expect(logs.stderr).not.toContain('100%|');
  });

  it('hangs until killed: wait then prints 137', async () => {
    host.behaviour.outcome = { kind: 'hang' };
    await launch('hung', await prepare('rs_hung'));
    const waiting = host.exec(dockerWait('hung'));
    const following = host.exec(dockerLogs('hung', { follow: true }));
    await delay(host.behaviour.durationMs);
    expect((await host.exec(dockerLogs('hung'))).stdout).toContain('Starting diffusion sampling');
    expect(await host.exec(dockerKill('hung'))).toMatchObject({ code: 0 });
    expect(await waiting).toMatchObject({ stdout: '137\n' });
    expect(await following).toMatchObject({ code: 0, stdout: expect.stringContaining('Starting diffusion sampling') });
  });

  it('upsamples a prompt deterministically into batch_results.json', async () => {
    const enhance = buildUpsamplerBatch({ runId: 'rs_enhance', prompt: { text: 'A quiet harbour', inputs }, config: { model: 'pixtral', mode: 'create_new' } });
    for (const upload of enhance.uploads) {
      await mkdirRemote(dirname(`${REMOTE}/${upload.to}`));
      await call((done) => host.sftp.fastPut(localVideo, `${REMOTE}/${upload.to}`, done));
    }
    for (const file of enhance.files) writeFileSync(join(host.root, REMOTE, file.path), file.text);
    await launch('enhance', enhance);
    expect(await host.exec(dockerWait('enhance'))).toMatchObject({ stdout: '0\n' });
    const results = readFileSync(join(host.root, REMOTE, enhance.resultsPath), 'utf8');
    expect(parseUpsamplerResult(results, 'rs_enhance')).toEqual({ status: 'upsampled', text: 'A quiet harbour, cinematic lighting, highly detailed' });
  });
});
