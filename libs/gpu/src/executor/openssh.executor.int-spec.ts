import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildInferenceSpec, DEFAULT_INFERENCE_CONFIG, type InferenceConfig, jobContainerName, type PromptInputs, runInputVideo, runSpecPath, type VideoFacts } from '../../../domain/src/index.js';
import { makeTestVideo } from '../../../media/src/testing/index.js';
import { dockerInspect, dockerPs } from '../docker-command.js';
import { gpuLaunch } from './container-run.js';
import { ExecutionFailure } from './execution-failure.js';
import { startOpenSshHost, type OpenSshHost } from '../../../testing/src/hosts/index.js';
import { SingleInferenceExecutor, type SingleInferenceExecution, type SingleInferenceResult } from './single-inference.executor.js';
import { eventually } from '../../../testing/src/index.js';

const facts: VideoFacts = { path: 'clip/color.mp4', frames: 4, fps: 24, width: 320, height: 180, durationSeconds: 1, codec: 'h264', sizeBytes: 1 };
const inputs: PromptInputs = { videoDir: 'clip', color: facts, depth: null, segmentation: null };
const config: InferenceConfig = { ...DEFAULT_INFERENCE_CONFIG, numSteps: 10, weights: { vis: 0, edge: 0.5, depth: 0, seg: 0 } };
// Text a shell would act on, should it ever reach one: a real sshd hands command lines to the login shell.
const HOSTILE_PROMPT = `A "neon" city; it's $(touch /tmp/pwned) and \`whoami\` \${HOME} | cat &\nsecond line\\n\twith a tab; rm -rf ~\n`;

// The same executor as in production, through OpenSSH's sshd, SFTP server and login shell; only
// docker is a stand-in, reached like real docker through a CLI and a daemon socket.
describe('SingleInferenceExecutor against a real OpenSSH sshd', () => {
  let host: OpenSshHost;
  const executor = new SingleInferenceExecutor();

  beforeAll(async () => {
    host = await startOpenSshHost();
    await makeTestVideo(join(host.inputsRoot, facts.path), { frames: 4 });
  }, 20_000);
  afterAll(async () => {
    await host?.stop();
  });
  beforeEach(() => {
    host.behaviour.outcome = { kind: 'succeed' };
    host.behaviour.durationMs = 800;
  });

  function request(ids: { jobId: string; runId: string }, change: Partial<SingleInferenceExecution> = {}) {
    const lines: { line: string; at: number }[] = [];
    const execution: SingleInferenceExecution = {
      connection: host.connection,
      node: host.node,
      jobId: ids.jobId,
      attempt: 1,
      run: { runId: ids.runId, prompt: { text: HOSTILE_PROMPT, negativePrompt: 'blurry', inputs }, config },
      inputsRoot: host.inputsRoot,
      outputsRoot: host.outputsRoot,
      timeoutMs: 30_000,
      onLog: (line) => lines.push({ line, at: Date.now() }),
      ...change,
    };
    return { execution, lines };
  }

  const newIds = (): { jobId: string; runId: string } => ({
    jobId: `job_${randomBytes(8).toString('hex')}`,
    runId: `rs_${randomBytes(16).toString('hex')}`,
  });
  const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

  async function failureOf(promise: Promise<unknown>): Promise<ExecutionFailure> {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionFailure);
    return error as ExecutionFailure;
  }

  async function containerState(name: string): Promise<string> {
    const result = await host.connection.exec(dockerInspect(name, '{{.State.Status}} {{.State.ExitCode}}'), { timeoutMs: 10_000 });
    return result.exitCode === 0 ? result.stdout.trim() : result.stderr.trim();
  }

  async function runningContainersOfJob(jobId: string): Promise<string[]> {
    const listed = await host.connection.exec(dockerPs({ labelFilter: { 'cosmos.job': jobId }, all: false }), { timeoutMs: 10_000 });
    expect(listed.exitCode).toBe(0);
    return listed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Names: string }).Names);
  }

  /** The subcommands of stand-in docker CLIs still alive on this machine (sshd runs them here). */
  function dockerClisRunning(): string[] {
    const cli = join(host.daemon.binDir, 'docker');
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .flatMap((pid) => {
        try {
          // `node <cli> <subcommand> …`: the shebang puts the script path right after node.
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return argv[1] === cli ? [argv[2] ?? ''] : [];
        } catch {
          return [];
        }
      });
  }

  function leftovers(): { readonly clis: string[]; readonly sessions: number } {
    return { clis: dockerClisRunning(), sessions: host.daemon.sessions };
  }

  it('finds the stand-in docker first on the login shell PATH, not a docker of this machine', async () => {
    const found = await host.connection.exec(['sh', '-c', 'command -v docker'], { timeoutMs: 10_000 });
    expect(found).toMatchObject({ exitCode: 0, stdout: `${join(host.daemon.binDir, 'docker')}\n` });
  });

  describe('a run that completes', () => {
    const ids = newIds();
    let run: ReturnType<typeof request>;
    let result: SingleInferenceResult;
    let finishedAt: number;

    beforeAll(async () => {
      run = request(ids);
      result = await executor.execute(run.execution);
      finishedAt = Date.now();
    }, 20_000);

    it('downloads the outputs into run_<id>/ with a manifest whose sha256s match the files', () => {
      const dir = join(host.outputsRoot, `run_${ids.runId}`);
      expect(result.exitCode).toBe(0);
      expect(result.outputs.map(({ name }) => name).sort()).toEqual(['edge_input_control_0.mp4', 'execution.log', 'manifest.json', 'output.mp4', 'output.txt']);
      for (const file of result.outputs) {
        expect(file.path).toBe(`run_${ids.runId}/${file.name}`);
        expect(file.sha256).toBe(sha256(join(host.outputsRoot, file.path)));
      }
      // The model stand-in's video is a copy of the input, which went up and came back over SFTP.
      expect(sha256(join(dir, 'output.mp4'))).toBe(sha256(join(host.inputsRoot, facts.path)));
      expect(sha256(join(host.remoteDir, runInputVideo(ids.runId, 'color')))).toBe(sha256(join(host.inputsRoot, facts.path)));
      const manifest = JSON.parse(readFileSync(join(host.outputsRoot, result.manifestPath), 'utf8'));
      expect(manifest).toMatchObject({ runId: ids.runId, jobId: ids.jobId, container: jobContainerName('inference', ids.jobId, 1), exitCode: 0 });
      expect(manifest.files).toEqual(result.outputs.filter(({ name }) => name !== 'manifest.json'));
      for (const file of manifest.files as { path: string; sha256: string }[]) expect(sha256(join(host.outputsRoot, file.path))).toBe(file.sha256);
    });

    it('streams the model log through docker logs -f while the run goes on', () => {
      expect(run.lines.some(({ line }) => line.includes('Starting diffusion sampling'))).toBe(true);
      expect(run.lines.some(({ line }) => /^100%\|.*\| 10\/10 \[/.test(line))).toBe(true);
      expect(finishedAt - run.lines[0]!.at).toBeGreaterThan(400);
      const logFile = join(host.outputsRoot, `run_${ids.runId}`, 'execution.log');
      expect(readFileSync(logFile, 'utf8')).toBe(run.lines.map(({ line }) => `${line}\n`).join(''));
    });

    it('puts the prompt byte-exact into the spec file the model read, and the model saw it so', () => {
      const built = buildInferenceSpec({ runId: ids.runId, prompt: run.execution.run.prompt, config, launch: gpuLaunch(host.node.gpus) });
      const onDisk = readFileSync(join(host.remoteDir, runSpecPath(ids.runId)), 'utf8');
      expect(onDisk).toBe(built.files[0]!.text);
      expect(JSON.parse(onDisk).prompt).toBe(HOSTILE_PROMPT);
      // The stand-in writes the prompt it parsed from the spec next to the video.
      expect(readFileSync(join(host.outputsRoot, `run_${ids.runId}`, 'output.txt'), 'utf8')).toBe(HOSTILE_PROMPT);
    });

    it('removes the finished container and leaves no docker CLI behind', async () => {
      expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toMatch(/No such container/);
      await eventually(() => expect(leftovers()).toEqual({ clis: [], sessions: 0 }));
    });
  });

  it('kills a hung container on timeout and fails with TIMEOUT', async () => {
    host.behaviour.outcome = { kind: 'hang' };
    const ids = newIds();
    const started = Date.now();

    const failure = await failureOf(executor.execute(request(ids, { timeoutMs: 1_000 }).execution));

    expect(failure).toMatchObject({ reason: 'TIMEOUT', exitCode: 137 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toBe('exited 137');
    expect(await runningContainersOfJob(ids.jobId)).toEqual([]);
    // The followers' channels were closed; their CLIs end once the killed container lets them.
    await eventually(() => expect(leftovers()).toEqual({ clis: [], sessions: 0 }));
  }, 20_000);

  it('kills the container when the caller aborts, and fails with KILLED', async () => {
    host.behaviour.outcome = { kind: 'hang' };
    const ids = newIds();
    const cancel = new AbortController();
    const { execution } = request(ids, {
      signal: cancel.signal,
      onLog: (line) => {
        if (line.includes('Starting diffusion sampling')) cancel.abort();
      },
    });

    const failure = await failureOf(executor.execute(execution));

    expect(failure).toMatchObject({ reason: 'KILLED', exitCode: 137 });
    expect(await containerState(jobContainerName('inference', ids.jobId, 1))).toBe('exited 137');
    expect(await runningContainersOfJob(ids.jobId)).toEqual([]);
    await eventually(() => expect(leftovers()).toEqual({ clis: [], sessions: 0 }));
  }, 20_000);

  it('reports a docker wait killed on the node as lost contact, not a failed run, and leaves the container running', async () => {
    host.behaviour.durationMs = 2_500;
    const ids = newIds();
    const name = jobContainerName('inference', ids.jobId, 1);
    const execution = executor.execute(request(ids).execution);

    await eventually(() => expect(host.server.signalCommands(['wait', name], 'SIGTERM')).toBe(1));
    const failure = await failureOf(execution);

    // SSH_FAILURE is what makes the worker ask the container before deciding (the e2e re-attaches).
    expect(failure).toMatchObject({ reason: 'SSH_FAILURE', exitCode: null });
    expect(failure.message).toContain(`docker wait ${name} was stopped`);
    expect(await containerState(name)).toBe('running 0');
    await eventually(() => expect(leftovers()).toEqual({ clis: [], sessions: 0 }), 10_000);
    // It holds the host's one GPU until it ends: the next test's container would run out of memory beside it.
    await eventually(async () => expect(await containerState(name)).toBe('exited 0'), 10_000);
  }, 20_000);

  // OpenSSH ignores the KILL signal request for a root login (a developer's machine without the
  // cosmos-ci user), so what ends a follower whose channel the worker closed is then the channel itself, as for real docker:
  // `docker logs -f` dies on its next write, and the daemon stops serving it while the container runs on.
  it('ends a closed docker logs -f on its next line, and re-attaches to the container that ran on', async () => {
    host.behaviour.durationMs = 2_500;
    const ids = newIds();
    const name = jobContainerName('inference', ids.jobId, 1);
    const interrupted = request(ids, {
      onLog: () => {
        throw new Error('worker went away');
      },
    });

    await expect(executor.execute(interrupted.execution)).rejects.toThrow('worker went away');
    // A silent `docker wait` lingers until the container exits, as real docker's would; for any
    // other login sshd delivers the KILL to both.
    const lingering = host.server.user === 'root' ? { clis: ['wait'], sessions: 1 } : { clis: [], sessions: 0 };
    await eventually(() => expect(leftovers()).toEqual(lingering));
    expect(await containerState(name)).toBe('running 0');

    const resumed = request(ids);
    const result = await executor.execute(resumed.execution);
    expect(result.outputs.find(({ kind }) => kind === 'video')).toMatchObject({ path: `run_${ids.runId}/output.mp4` });
    await eventually(() => expect(leftovers()).toEqual({ clis: [], sessions: 0 }));
  }, 20_000);
});
