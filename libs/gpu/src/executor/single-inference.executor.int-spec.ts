import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_INFERENCE_CONFIG, type InferenceConfig, jobContainerName, type PromptInputs, type RunProgressStatus, type VideoFacts } from '../../../domain/src/index.js';
import { createSimulatedBehaviour, DEFAULT_IMAGE, generateEd25519KeyPair, type SimulatedBehaviour, simulatedGpuPrograms, type SimulatedGpuPrograms, type SimulatedSshServer, startSimulatedSshServer } from '../../../gpu-sim/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { dockerInspect, dockerPs } from '../docker-command.js';
import { SshConnection } from '../ssh-connection.js';
import { ExecutionFailure } from './execution-failure.js';
import { SingleInferenceExecutor, type SingleInferenceExecution, type SingleInferenceResult } from './single-inference.executor.js';

const REMOTE_DIR = '/remote/cosmos-transfer1';
const facts: VideoFacts = { path: 'clip/color.mp4', frames: 4, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };
const inputs: PromptInputs = { videoDir: 'clip', color: facts, depth: null, segmentation: null };
const config: InferenceConfig = { ...DEFAULT_INFERENCE_CONFIG, numSteps: 10, weights: { vis: 0, edge: 0.5, depth: 0, seg: 0 } };
const HOSTILE_PROMPT = `A "neon" city at night, it's $(rm -rf /) and \`whoami\` \${HOME}\nsecond line\\n\twith a tab\n`;

describe('SingleInferenceExecutor against the simulated GPU host', () => {
  let work: string;
  let behaviour: SimulatedBehaviour;
  let programs: SimulatedGpuPrograms;
  let server: SimulatedSshServer;
  let connection: SshConnection;
  let inputsRoot: string;
  let outputsRoot: string;
  const executor = new SingleInferenceExecutor();

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'executor-'));
    const root = join(work, 'host');
    mkdirSync(join(root, REMOTE_DIR), { recursive: true });
    inputsRoot = join(work, 'inputs');
    outputsRoot = join(work, 'outputs');
    await makeTestVideo(join(inputsRoot, facts.path), { frames: 4 });
    const key = generateEd25519KeyPair();
    const privateKeyPath = join(work, 'client_ed25519');
    writeFileSync(privateKeyPath, key.private, { mode: 0o600 });
    behaviour = createSimulatedBehaviour();
    programs = simulatedGpuPrograms(behaviour);
    server = await startSimulatedSshServer({ root, authorizedKeys: [key.public], programs });
    connection = new SshConnection({
      name: 'sim-gpu',
      host: server.host,
      port: server.port,
      user: 'cosmos',
      privateKeyPath,
      hostKeyFingerprint: `SHA256:${server.hostKeyFingerprint}`,
      remoteDir: REMOTE_DIR,
      reconnect: { maxAttempts: 1 },
    });
  }, 30_000);
  afterAll(async () => {
    await connection?.close();
    await programs?.docker.shutdown();
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(() => {
    behaviour.outcome = { kind: 'succeed' };
    behaviour.durationMs = 600;
  });

  interface Recording {
    readonly stages: { stage: RunProgressStatus; percent: number; at: number }[];
    readonly lines: { line: string; at: number }[];
  }

  function request(ids: { jobId: string; runId: string }, change: Partial<SingleInferenceExecution> = {}): SingleInferenceExecution & { recording: Recording } {
    const recording: Recording = { stages: [], lines: [] };
    return {
      connection,
      node: { remoteDir: REMOTE_DIR, image: DEFAULT_IMAGE, gpus: { count: 1 }, sudo: false, dockerArgs: ['--ipc=host'] },
      jobId: ids.jobId,
      attempt: 1,
      run: { runId: ids.runId, prompt: { text: HOSTILE_PROMPT, negativePrompt: 'blurry', inputs }, config },
      inputsRoot,
      outputsRoot,
      timeoutMs: 30_000,
      onStage: (stage, percent) => recording.stages.push({ stage, percent, at: Date.now() }),
      onLog: (line) => recording.lines.push({ line, at: Date.now() }),
      recording,
      ...change,
    };
  }

  function newIds(): { jobId: string; runId: string } {
    return { jobId: `job_${randomBytes(8).toString('hex')}`, runId: `rs_${randomBytes(16).toString('hex')}` };
  }

  async function failureOf(promise: Promise<unknown>): Promise<ExecutionFailure> {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionFailure);
    return error as ExecutionFailure;
  }

  async function containerState(name: string): Promise<string> {
    const result = await connection.exec(dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}'), { timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout.trim() : result.stderr.trim();
  }

  async function containersOfJob(jobId: string): Promise<string[]> {
    const listed = await connection.exec(dockerPs({ labelFilter: { 'cosmos.job': jobId } }), { timeoutMs: 10_000 });
    return listed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Names: string }).Names);
  }

  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

  describe('a successful run, executed twice', () => {
    const ids = newIds();
    let first: ReturnType<typeof request>;
    let result: SingleInferenceResult;
    let finishedAt: number;

    beforeAll(async () => {
      behaviour.outcome = { kind: 'succeed' };
      behaviour.durationMs = 600;
      first = request(ids);
      result = await executor.execute(first);
      finishedAt = Date.now();
    }, 30_000);

    it('goes through uploading, running and downloading in order, with running progress rising to 100', () => {
      const order = first.recording.stages.map(({ stage }) => stage).filter((stage, i, all) => stage !== all[i - 1]);
      expect(order).toEqual(['uploading', 'running', 'downloading']);
      for (const stage of ['uploading', 'running', 'downloading'] as const) {
        const percents = first.recording.stages.filter((entry) => entry.stage === stage).map(({ percent }) => percent);
        expect(percents).toEqual([...percents].sort((a, b) => a - b));
        expect(percents.at(-1)).toBe(100);
      }
      const running = first.recording.stages.filter(({ stage }) => stage === 'running').map(({ percent }) => percent);
      expect(running.length).toBeGreaterThan(3);
      expect(new Set(running).size).toBe(running.length);
    });

    it('streams log lines live and keeps them all in execution.log', () => {
      const { lines } = first.recording;
      expect(lines.some(({ line }) => line.includes('Starting diffusion sampling'))).toBe(true);
      expect(lines.some(({ line }) => /^100%\|.*\| 10\/10 \[/.test(line))).toBe(true);
      // Followed, not replayed at the end: the first line came well before the run finished.
      expect(finishedAt - lines[0]!.at).toBeGreaterThan(300);
      const logFile = join(outputsRoot, `run_${ids.runId}`, 'execution.log');
      expect(readFileSync(logFile, 'utf8')).toBe(lines.map(({ line }) => `${line}\n`).join(''));
    });

    it('downloads the outputs with their sha256 and writes the manifest', () => {
      const dir = join(outputsRoot, `run_${ids.runId}`);
      expect(result.exitCode).toBe(0);
      expect(result.outputs.map(({ name, kind }) => [name, kind]).sort()).toEqual([
        ['edge_input_control_0.mp4', 'control'],
        ['execution.log', 'log'],
        ['manifest.json', 'json'],
        ['output.mp4', 'video'],
        ['output.txt', 'text'],
      ]);
      for (const file of result.outputs) {
        expect(file.path).toBe(`run_${ids.runId}/${file.name}`);
        expect(file.sha256).toBe(sha256(join(outputsRoot, file.path)));
        expect(file.sizeBytes).toBe(readFileSync(join(outputsRoot, file.path)).length);
      }
      // The stand-in's output video is a copy of the input.
      expect(sha256(join(dir, 'output.mp4'))).toBe(sha256(join(inputsRoot, facts.path)));
      expect(result.manifestPath).toBe(`run_${ids.runId}/manifest.json`);
      const manifest = JSON.parse(readFileSync(join(outputsRoot, result.manifestPath), 'utf8'));
      expect(manifest).toMatchObject({ runId: ids.runId, jobId: ids.jobId, attempt: 1, container: jobContainerName('inference', ids.jobId, 1), exitCode: 0 });
      expect(manifest.files).toEqual(result.outputs.filter(({ name }) => name !== 'manifest.json'));
    });

    it('brings prompt text with quotes, $(…), backticks and newlines to the model byte-exact', () => {
      expect(readFileSync(join(outputsRoot, `run_${ids.runId}`, 'output.txt'), 'utf8')).toBe(HOSTILE_PROMPT);
    });

    it('removes the finished container', async () => {
      expect(await containersOfJob(ids.jobId)).toEqual([]);
    });

    it('answers a repeated execute from the manifest, starting no second container', async () => {
      const again = request(ids);
      expect(await executor.execute(again)).toEqual(result);
      expect(again.recording.stages).toEqual([]);
      expect(again.recording.lines).toEqual([]);
      expect(await containersOfJob(ids.jobId)).toEqual([]);
    });
  });

  it('re-attaches to the running container of the same attempt instead of starting another', async () => {
    behaviour.durationMs = 1_200;
    const ids = newIds();
    const interrupted = request(ids, {
      onLog: () => {
        throw new Error('worker went away');
      },
    });
    await expect(executor.execute(interrupted)).rejects.toThrow('worker went away');
    const name = jobContainerName('inference', ids.jobId, 1);
    expect(await containerState(name)).toBe('running 0');

    const resumed = request(ids);
    const result = await executor.execute(resumed);
    expect(resumed.recording.stages[0]).toMatchObject({ stage: 'running', percent: 0 });
    expect(resumed.recording.stages.some(({ stage }) => stage === 'uploading')).toBe(false);
    expect(result.outputs.find(({ kind }) => kind === 'video')).toMatchObject({ path: `run_${ids.runId}/output.mp4` });
    expect(await containersOfJob(ids.jobId)).toEqual([]);
  }, 30_000);

  it('fails with BAD_SPEC when the model rejects its spec', async () => {
    behaviour.outcome = { kind: 'fail', exitCode: 1, message: "ValueError: Invalid hint_key: bogus. Must be one of {'vis', 'seg', 'edge', 'depth'}" };
    const failure = await failureOf(executor.execute(request(newIds())));
    expect(failure).toMatchObject({ reason: 'BAD_SPEC', exitCode: 1 });
    expect(failure.message).toContain('Invalid hint_key: bogus');
  }, 30_000);

  it('fails with GUARDRAIL_BLOCKED when the guardrail blocks the prompt', async () => {
    behaviour.outcome = { kind: 'guardrailBlock', reason: 'Prompt contains blocked words' };
    const failure = await failureOf(executor.execute(request(newIds())));
    expect(failure).toMatchObject({ reason: 'GUARDRAIL_BLOCKED', exitCode: 1 });
    expect(failure.message).toContain('Prompt contains blocked words');
  }, 30_000);

  it('fails with CONTAINER_EXIT and the last exception on any other crash, keeping the container', async () => {
    behaviour.outcome = { kind: 'fail', exitCode: 3, message: 'RuntimeError: NCCL error in: broken pipe' };
    const ids = newIds();
    const failure = await failureOf(executor.execute(request(ids)));
    expect(failure).toMatchObject({ reason: 'CONTAINER_EXIT', exitCode: 3 });
    expect(failure.message).toContain('RuntimeError: NCCL error in: broken pipe');
    expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toBe('exited 3');
  }, 30_000);

  it('kills a hung container by name on timeout and fails with TIMEOUT', async () => {
    behaviour.outcome = { kind: 'hang' };
    const ids = newIds();
    const started = Date.now();
    const failure = await failureOf(executor.execute(request(ids, { timeoutMs: 500 })));
    expect(failure).toMatchObject({ reason: 'TIMEOUT', exitCode: 137 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toBe('exited 137');
  }, 30_000);

  it('kills the container when the caller aborts, and fails with KILLED', async () => {
    behaviour.outcome = { kind: 'hang' };
    const ids = newIds();
    const cancel = new AbortController();
    const execution = request(ids, { signal: cancel.signal });
    const running = executor.execute({
      ...execution,
      onLog: (line) => {
        if (line.includes('Starting diffusion sampling')) cancel.abort();
      },
    });
    const failure = await failureOf(running);
    expect(failure).toMatchObject({ reason: 'KILLED', exitCode: 137 });
    expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toBe('exited 137');
  }, 30_000);

  it('fails with SSH_FAILURE when the node cannot be reached', async () => {
    const unreachable = new SshConnection({ ...connection.node, port: 1, reconnect: { maxAttempts: 1 } });
    try {
      const failure = await failureOf(executor.execute(request(newIds(), { connection: unreachable })));
      expect(failure.reason).toBe('SSH_FAILURE');
    } finally {
      await unreachable.close();
    }
  });
});
