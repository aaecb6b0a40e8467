import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig, jobContainerName, type VideoFacts } from '../../../domain/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { dockerInspect } from '../docker-command.js';
import { BatchInferenceExecutor, type BatchInferenceExecution, type BatchRunResult } from './batch-inference.executor.js';
import { NODE, REMOTE_DIR, type SimulatedHost, startSimulatedHost } from '../../../testing/src/hosts/index.js';

/** Three clips of different lengths, so each line's output (a copy of its input) is told apart by content. */
const CLIPS = [4, 5, 6].map((frames, index): VideoFacts => ({
  path: `clip${index}/color.mp4`, frames, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1,
}));
const WEIGHTS: InferenceConfig['weights'][] = [
  { vis: 0, edge: 0.5, depth: 0, seg: 0 },
  { vis: 0, edge: 0, depth: 0.7, seg: 0 },
  { vis: 0.3, edge: 0.9, depth: 0, seg: 0 },
];

describe('BatchInferenceExecutor against the simulated GPU host', () => {
  let host: SimulatedHost;
  const executor = new BatchInferenceExecutor();
  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

  beforeAll(async () => {
    host = await startSimulatedHost();
    for (const clip of CLIPS) await makeTestVideo(join(host.inputsRoot, clip.path), { frames: clip.frames });
  }, 30_000);
  afterAll(async () => host?.stop());
  beforeEach(() => {
    host.behaviour.outcome = { kind: 'succeed' };
    host.behaviour.durationMs = 600;
  });

  function request(change: Partial<BatchInferenceExecution> = {}): BatchInferenceExecution {
    const runs = CLIPS.map((clip, index) => ({
      runId: `rs_${randomBytes(16).toString('hex')}`,
      prompt: { text: `line ${index}: a "quoted" $(scene) number ${index}\n`, negativePrompt: 'blurry', inputs: { videoDir: `clip${index}`, color: clip, depth: null, segmentation: null } },
      config: { ...DEFAULT_INFERENCE_CONFIG, numSteps: 10, weights: WEIGHTS[index]! },
    }));
    return {
      connection: host.connection,
      node: NODE,
      jobId: `job_${randomBytes(8).toString('hex')}`,
      attempt: 1,
      runs,
      inputsRoot: host.inputsRoot,
      outputsRoot: host.outputsRoot,
      timeoutMs: 30_000,
      ...change,
    };
  }

  function succeeded(result: BatchRunResult | undefined): Extract<BatchRunResult, { status: 'succeeded' }> {
    expect(result?.status).toBe('succeeded');
    return result as Extract<BatchRunResult, { status: 'succeeded' }>;
  }

  async function containerState(name: string): Promise<string> {
    const result = await host.connection.exec(dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}'), { timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout.trim() : result.stderr.trim();
  }

  describe('a batch of three runs with different weights, executed twice', () => {
    const lines: string[] = [];
    let execution: BatchInferenceExecution;
    let results: BatchRunResult[];

    beforeAll(async () => {
      execution = request();
      results = await executor.execute({ ...execution, onLog: (line) => lines.push(line) });
    }, 30_000);

    it('downloads each line into its own run folder, in line order', () => {
      expect(results.map(({ runId }) => runId)).toEqual(execution.runs.map(({ runId }) => runId));
      execution.runs.forEach((run, index) => {
        const result = succeeded(results[index]);
        const dir = join(host.outputsRoot, `run_${run.runId}`);
        expect(result.exitCode).toBe(0);
        // Line i's prompt and line i's input video came back to run i, nobody else's.
        expect(readFileSync(join(dir, 'prompt.txt'), 'utf8')).toBe(run.prompt.text);
        expect(sha256(join(dir, 'output.mp4'))).toBe(sha256(join(host.inputsRoot, CLIPS[index]!.path)));
        for (const file of result.outputs) {
          expect(file.path).toBe(`run_${run.runId}/${file.name}`);
          expect(file.sha256).toBe(sha256(join(host.outputsRoot, file.path)));
        }
        expect(result.outputs.filter(({ kind }) => kind === 'video').map(({ name }) => name)).toEqual(['output.mp4']);
      });
      // Auto-generated controls follow their line's weights: edge for lines 0 and 2 only.
      expect(existsSync(join(host.outputsRoot, `run_${execution.runs[0]!.runId}`, 'edge_input_control_0.mp4'))).toBe(true);
      expect(existsSync(join(host.outputsRoot, `run_${execution.runs[1]!.runId}`, 'edge_input_control_0.mp4'))).toBe(false);
    });

    it("copies the job's whole log into every run's execution.log and writes per-run manifests", () => {
      expect(lines.some((line) => line.includes('Running batch generation with batch_size=1'))).toBe(true);
      for (const [index, run] of execution.runs.entries()) {
        const dir = join(host.outputsRoot, `run_${run.runId}`);
        expect(readFileSync(join(dir, 'execution.log'), 'utf8')).toBe(lines.map((line) => `${line}\n`).join(''));
        const result = succeeded(results[index]);
        const manifest = JSON.parse(readFileSync(join(host.outputsRoot, result.manifestPath), 'utf8'));
        expect(manifest).toMatchObject({ runId: run.runId, jobId: execution.jobId, attempt: 1, container: jobContainerName('batch_inference', execution.jobId, 1), exitCode: 0 });
        expect(manifest.files).toEqual(result.outputs.filter(({ name }) => name !== 'manifest.json'));
      }
    });

    it('removes the container and answers a repeat from the manifests', async () => {
      expect(await host.containersOfJob(execution.jobId)).toEqual([]);
      const stages: string[] = [];
      expect(await executor.execute({ ...execution, onStage: (stage) => stages.push(stage) })).toEqual(results);
      expect(stages).toEqual([]);
      expect(await host.containersOfJob(execution.jobId)).toEqual([]);
    });
  });

  it('fails every run with the typed reason when the model crashes, keeping the container', async () => {
    host.behaviour.outcome = { kind: 'guardrailBlock', reason: 'Prompt contains blocked words' };
    const execution = request();
    const results = await executor.execute(execution);
    expect(results.map(({ runId }) => runId)).toEqual(execution.runs.map(({ runId }) => runId));
    for (const result of results) {
      expect(result).toMatchObject({ status: 'failed', failure: { reason: 'GUARDRAIL_BLOCKED', exitCode: 1 } });
      expect(readFileSync(join(host.outputsRoot, `run_${result.runId}`, 'execution.log'), 'utf8')).toContain('GUARDRAIL BLOCKED');
    }
    expect(await containerState(jobContainerName('batch_inference', execution.jobId, 1))).toBe('exited 1');
  }, 30_000);

  it('fails only the run whose video is missing, finalizing the exited container of an interrupted execute', async () => {
    const execution = request();
    const interrupted = executor.execute({
      ...execution,
      onLog: () => {
        throw new Error('worker went away');
      },
    });
    await expect(interrupted).rejects.toThrow('worker went away');
    const name = jobContainerName('batch_inference', execution.jobId, 1);
    while ((await containerState(name)) !== 'exited 0') await new Promise((resolve) => setTimeout(resolve, 100));
    rmSync(join(host.root, REMOTE_DIR, 'outputs', execution.jobId, 'video_1', 'output.mp4'));

    const stages: string[] = [];
    const results = await executor.execute({ ...execution, onStage: (stage) => stages.push(stage) });
    expect(stages).not.toContain('uploading');
    succeeded(results[0]);
    succeeded(results[2]);
    expect(results[1]).toMatchObject({ status: 'failed', runId: execution.runs[1]!.runId, failure: { reason: 'MISSING_OUTPUT' } });
    expect(existsSync(join(host.outputsRoot, `run_${execution.runs[1]!.runId}`, 'manifest.json'))).toBe(false);
    // Kept, so a repeat finds the failed line again instead of launching the batch anew.
    expect(await containerState(name)).toBe('exited 0');
    const again = await executor.execute(execution);
    expect(again.map((result) => result.status)).toEqual(['succeeded', 'failed', 'succeeded']);
  }, 30_000);

  it('fails every run with VALIDATION when the runs cannot share a batch', async () => {
    const execution = request();
    const runs = execution.runs.map((run, index) => (index === 2 ? { ...run, config: { ...run.config, seed: 7 } } : run));
    const results = await executor.execute({ ...execution, runs });
    expect(results.map((result) => result.status === 'failed' && result.failure.reason)).toEqual(['VALIDATION', 'VALIDATION', 'VALIDATION']);
    expect(await host.containersOfJob(execution.jobId)).toEqual([]);
  });
});
