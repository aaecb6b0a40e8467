import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPSCALE_CONFIG, jobContainerName } from '../../../domain/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { ExecutionFailure } from './execution-failure.js';
import { NODE, type SimulatedHost, startSimulatedHost } from '../../../testing/src/hosts/index.js';
import { UpscaleExecutor, type UpscaleExecution } from './upscale.executor.js';

describe('UpscaleExecutor against the simulated GPU host', () => {
  let host: SimulatedHost;
  const executor = new UpscaleExecutor();
  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');
  const SOURCE_RUN = `rs_${randomBytes(16).toString('hex')}`;

  beforeAll(async () => {
    host = await startSimulatedHost();
    host.behaviour.durationMs = 400;
    await makeTestVideo(join(host.inputsRoot, 'clip/color.mp4'), { frames: 4 });
    // A completed run's output, as the single executor leaves it.
    mkdirSync(join(host.outputsRoot, `run_${SOURCE_RUN}`), { recursive: true });
    await makeTestVideo(join(host.outputsRoot, `run_${SOURCE_RUN}`, 'output.mp4'), { frames: 5 });
  }, 30_000);
  afterAll(async () => host?.stop());

  function request(source: UpscaleExecution['run']['source']): UpscaleExecution {
    return {
      connection: host.connection,
      node: NODE,
      jobId: `job_${randomBytes(8).toString('hex')}`,
      attempt: 1,
      run: { runId: `rs_${randomBytes(16).toString('hex')}`, source, config: { ...DEFAULT_UPSCALE_CONFIG, prompt: 'crisp 4K detail' } },
      inputsRoot: host.inputsRoot,
      outputsRoot: host.outputsRoot,
      timeoutMs: 30_000,
    };
  }

  it("upscales a completed run's output with --num_steps 10, and answers a repeat from the manifest", async () => {
    const execution = request({ root: 'outputs', path: `run_${SOURCE_RUN}/output.mp4` });
    const result = await executor.execute(execution);
    const dir = join(host.outputsRoot, `run_${execution.run.runId}`);
    expect(result.outputs.map(({ name, kind }) => [name, kind]).sort()).toEqual([
      ['execution.log', 'log'],
      ['manifest.json', 'json'],
      ['output.mp4', 'video'],
      ['output.txt', 'text'],
    ]);
    // The stand-in's output is a copy of what it read from runs/<runId>/inputs/source.mp4.
    expect(sha256(join(dir, 'output.mp4'))).toBe(sha256(join(host.outputsRoot, `run_${SOURCE_RUN}`, 'output.mp4')));
    expect(readFileSync(join(dir, 'output.txt'), 'utf8')).toBe('crisp 4K detail');
    // The model sampled 10 steps: its progress bar ends at 10/10, not the default 35.
    const log = readFileSync(join(dir, 'execution.log'), 'utf8');
    expect(log).toMatch(/100%\|.*\| 10\/10 \[/);
    expect(log).not.toMatch(/\/35 \[/);
    const manifest = JSON.parse(readFileSync(join(host.outputsRoot, result.manifestPath), 'utf8'));
    expect(manifest).toMatchObject({ runId: execution.run.runId, container: jobContainerName('upscale', execution.jobId, 1), exitCode: 0 });
    expect(await host.containersOfJob(execution.jobId)).toEqual([]);
    expect(await executor.execute(execution)).toEqual(result);
  }, 30_000);

  it('upscales a video under the inputs root, whatever its name, as source.mp4', async () => {
    copyFileSync(join(host.inputsRoot, 'clip/color.mp4'), join(host.inputsRoot, 'clip/output_4k.mp4'));
    const execution = request({ root: 'inputs', path: 'clip/output_4k.mp4' });
    const result = await executor.execute(execution);
    expect(result.outputs.find(({ kind }) => kind === 'video')).toMatchObject({ path: `run_${execution.run.runId}/output.mp4` });
  }, 30_000);

  it('fails with VALIDATION when the source video is not there', async () => {
    const error = await executor.execute(request({ root: 'outputs', path: 'run_rs_missing/output.mp4' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionFailure);
    expect(error).toMatchObject({ reason: 'VALIDATION' });
  }, 30_000);
});
