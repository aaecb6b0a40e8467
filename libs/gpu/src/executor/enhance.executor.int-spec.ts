import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_ENHANCE_CONFIG, jobContainerName, type PromptInputs, runInputVideo, type RunProgressStatus, upsamplerResultsPath, type VideoFacts } from '../../../domain/src/index.js';
import { upsampledPrompt } from '../../../gpu-sim/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { dockerInspect } from '../docker-command.js';
import { SshConnection } from '../ssh-connection.js';
import { type EnhanceExecution, EnhanceExecutor, type EnhanceResult } from './enhance.executor.js';
import { ExecutionFailure } from './execution-failure.js';
import { NODE, REMOTE_DIR, type SimulatedHost, startSimulatedHost } from '../../../testing/src/hosts/index.js';

const facts: VideoFacts = { path: 'clip/color.mp4', frames: 4, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };
const inputs: PromptInputs = { videoDir: 'clip', color: facts, depth: null, segmentation: null };
const HOSTILE_PROMPT = `A "neon" city at night, it's $(rm -rf /) and \`whoami\` \${HOME}\nsecond line\\n\twith a tab\n`;

describe('EnhanceExecutor against the simulated GPU host', () => {
  let host: SimulatedHost;
  const executor = new EnhanceExecutor();
  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

  beforeAll(async () => {
    host = await startSimulatedHost();
    await makeTestVideo(join(host.inputsRoot, facts.path), { frames: 4 });
  }, 30_000);
  afterAll(async () => host?.stop());
  beforeEach(() => {
    host.behaviour.outcome = { kind: 'succeed' };
    host.behaviour.durationMs = 400;
  });

  function request(ids: { jobId: string; runId: string }, change: Partial<EnhanceExecution> = {}): EnhanceExecution & { stages: RunProgressStatus[] } {
    const stages: RunProgressStatus[] = [];
    return {
      connection: host.connection,
      node: NODE,
      jobId: ids.jobId,
      attempt: 1,
      run: { runId: ids.runId, prompt: { text: HOSTILE_PROMPT, inputs }, config: DEFAULT_ENHANCE_CONFIG },
      inputsRoot: host.inputsRoot,
      outputsRoot: host.outputsRoot,
      timeoutMs: 30_000,
      onStage: (stage) => stages.push(stage),
      stages,
      ...change,
    };
  }

  function newIds(): { jobId: string; runId: string } {
    return { jobId: `job_${randomBytes(8).toString('hex')}`, runId: `rs_${randomBytes(16).toString('hex')}` };
  }

  /** A file of the node's remote dir, reached directly on the simulated host's disk. */
  const onNode = (relativePath: string): string => join(host.root, REMOTE_DIR, relativePath);

  async function failureOf(promise: Promise<unknown>): Promise<ExecutionFailure> {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionFailure);
    return error as ExecutionFailure;
  }

  async function containerState(name: string): Promise<string> {
    const result = await host.connection.exec(dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}'), { timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout.trim() : result.stderr.trim();
  }

  describe('a successful enhancement, executed twice', () => {
    const ids = newIds();
    let result: EnhanceResult;

    beforeAll(async () => {
      result = await executor.execute(request(ids));
    }, 30_000);

    it("returns the upsampler's text for a prompt with quotes, $(…), backticks and newlines, which reached it byte-exact", () => {
      expect(result.enhancedText).toBe(upsampledPrompt(HOSTILE_PROMPT));
      const dir = join(host.outputsRoot, `run_${ids.runId}`);
      expect(readFileSync(join(dir, 'prompt.txt'), 'utf8')).toBe(result.enhancedText);
      const [entry] = JSON.parse(readFileSync(join(dir, 'batch_results.json'), 'utf8')) as { original_prompt: string }[];
      expect(entry!.original_prompt).toBe(HOSTILE_PROMPT);
    });

    it('lists the results, prompt.txt and execution.log in the manifest with their sha256', () => {
      expect(result.exitCode).toBe(0);
      expect(result.outputs.map(({ name, kind }) => [name, kind]).sort()).toEqual([
        ['batch_results.json', 'json'],
        ['execution.log', 'log'],
        ['manifest.json', 'json'],
        ['prompt.txt', 'text'],
      ]);
      for (const file of result.outputs) {
        expect(file.path).toBe(`run_${ids.runId}/${file.name}`);
        expect(file.sha256).toBe(sha256(join(host.outputsRoot, file.path)));
        expect(file.sizeBytes).toBe(readFileSync(join(host.outputsRoot, file.path)).length);
      }
      expect(readFileSync(join(host.outputsRoot, `run_${ids.runId}`, 'execution.log'), 'utf8')).toContain('Saved results to');
      const manifest = JSON.parse(readFileSync(join(host.outputsRoot, result.manifestPath), 'utf8'));
      expect(manifest).toMatchObject({ runId: ids.runId, jobId: ids.jobId, attempt: 1, container: jobContainerName('enhance', ids.jobId, 1), exitCode: 0 });
      expect(manifest.files).toEqual(result.outputs.filter(({ name }) => name !== 'manifest.json'));
    });

    it('removes the finished container', async () => {
      expect(await host.containersOfJob(ids.jobId)).toEqual([]);
    });

    it('answers a repeat from the manifest without touching the node, text included', async () => {
      // Any SSH use on this connection would fail the execute with SSH_FAILURE.
      const unreachable = new SshConnection({ ...host.connection.node, port: 1, reconnect: { maxAttempts: 1 } });
      try {
        const again = request(ids, { connection: unreachable });
        expect(await executor.execute(again)).toEqual(result);
        expect(again.stages).toEqual([]);
      } finally {
        await unreachable.close();
      }
      expect(await host.containersOfJob(ids.jobId)).toEqual([]);
    });
  });

  it('fails with the typed reason and exit code when the upsampler crashes, keeping the container', async () => {
    host.behaviour.outcome = { kind: 'fail', exitCode: 3, message: 'RuntimeError: vLLM engine died unexpectedly' };
    const ids = newIds();
    const failure = await failureOf(executor.execute(request(ids)));
    expect(failure).toMatchObject({ reason: 'CONTAINER_EXIT', exitCode: 3 });
    expect(failure.message).toContain('RuntimeError: vLLM engine died unexpectedly');
    expect(await containerState(jobContainerName('enhance', ids.jobId, 1))).toBe('exited 3');
  }, 30_000);

  // The upsampler has no guardrail of its own (the stand-in ignores the guardrailBlock outcome, as
  // Pixtral does), so there is no guardrail case here.

  it('fails with CONTAINER_EXIT when the upsampler reports the prompt as failed, though it exited 0', async () => {
    const ids = newIds();
    // The video vanishes from the node once the container started; the upsampler reads it after loading.
    const failure = await failureOf(
      executor.execute(request(ids, { onStage: (stage) => stage === 'running' && rmSync(onNode(runInputVideo(ids.runId, 'color')), { force: true }) })),
    );
    expect(failure).toMatchObject({ reason: 'CONTAINER_EXIT', exitCode: 0 });
    expect(failure.message).toContain('Video not found');
    expect(await containerState(jobContainerName('enhance', ids.jobId, 1))).toBe('exited 0');
  }, 30_000);

  it.each([
    ['is missing', (path: string) => rmSync(path), /left no outputs\/rs_\w+\/batch_results\.json/],
    ['has no entry for the run', (path: string) => writeFileSync(path, '[]\n'), /has no result named rs_/],
  ])('fails with MISSING_OUTPUT when batch_results.json %s', async (_case, tamper, message) => {
    const ids = newIds();
    const execution = request(ids, {
      // The upsampler logs this line after writing the file; the download waits for the whole log.
      onLog: (line) => {
        if (line.includes('Saved results to')) tamper(onNode(upsamplerResultsPath(ids.runId)));
      },
    });
    const failure = await failureOf(executor.execute(execution));
    expect(failure).toMatchObject({ reason: 'MISSING_OUTPUT', exitCode: 0 });
    expect(failure.message).toMatch(message);
  }, 30_000);
});
