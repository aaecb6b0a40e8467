import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerLogs, dockerRun, dockerWait } from '../../gpu/src/index.js';
import { startDockerSocketDaemon, type DockerSocketDaemon } from './docker-socket.daemon.js';
import { write, type Program, type StopSignal } from './program.js';
import { createSimulatedBehaviour, DEFAULT_IMAGE } from './simulated-behaviour.js';
import { simulatedGpuPrograms, type SimulatedGpuPrograms } from './simulated-gpu.programs.js';
import { eventually } from '../../testing/src/index.js';

interface Finished {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function finishedOf(child: ChildProcess): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs the generated `docker` executable itself, as a shell would after a PATH lookup. */
function runCli(daemon: DockerSocketDaemon, args: readonly string[], input?: string): Promise<Finished> {
  const child = spawn(join(daemon.binDir, 'docker'), args, { stdio: 'pipe' });
  const done = finishedOf(child);
  if (input !== undefined) child.stdin.end(input);
  return done;
}


describe('docker socket daemon and its CLI', () => {
  let work: string;

  beforeAll(() => {
    work = realpathSync(mkdtempSync(join(tmpdir(), 'docker-daemon-')));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('with a recording program', () => {
    let daemon: DockerSocketDaemon;
    const stops: StopSignal[] = [];
    /** `docker echo …` answers what it was given; `docker tick` writes until stopped, `docker hang` waits. */
    const program: Program = async (ctx) => {
      const waitForStop = (): Promise<number> =>
        new Promise((resolve) =>
          ctx.signal.addEventListener('abort', () => {
            stops.push(ctx.signal.reason as StopSignal);
            resolve(99);
          }, { once: true }),
        );
      switch (ctx.argv[1]) {
        case 'tick': {
          const stopped = waitForStop();
          while (!ctx.signal.aborted) {
            await write(ctx.stdout, 'tick\n');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          return stopped;
        }
        case 'hang':
          await write(ctx.stdout, 'hanging\n');
          return waitForStop();
        default: {
          let input = '';
          for await (const chunk of ctx.stdin) input += String(chunk);
          await write(ctx.stdout, `${JSON.stringify({ argv: ctx.argv, marker: ctx.env['DOCKER_SIM_MARKER'] ?? null })}\n`);
          await write(ctx.stderr, `stdin:${input}`);
          return 7;
        }
      }
    };

    beforeAll(async () => {
      mkdirSync(join(work, 'recording'));
      daemon = await startDockerSocketDaemon({ dir: join(work, 'recording'), docker: program, root: work });
    });
    afterAll(() => daemon?.close());
    beforeEach(() => stops.splice(0));

    it('carries argv byte-exact, the environment, stdin, both outputs and the exit code', async () => {
      const hostile = ["it's", '$(rm -rf /)', '`id`', 'a;b', 'line\nbreak', ' ', ''];
      const child = spawn(join(daemon.binDir, 'docker'), ['echo', ...hostile], { stdio: 'pipe', env: { ...process.env, DOCKER_SIM_MARKER: 'm1' } });
      const done = finishedOf(child);
      child.stdin.end('hello\nworld');

      const result = await done;

      expect(result.code).toBe(7);
      expect(JSON.parse(result.stdout)).toEqual({ argv: ['docker', 'echo', ...hostile], marker: 'm1' });
      expect(result.stderr).toBe('stdin:hello\nworld');
      expect(daemon.sessions).toBe(0);
    });

    it('forwards SIGTERM by name: the program is stopped with TERM and the CLI exits 143', async () => {
      const child = spawn(join(daemon.binDir, 'docker'), ['hang'], { stdio: 'pipe' });
      const done = finishedOf(child);
      child.stdout.once('data', () => child.kill('SIGTERM'));

      expect((await done).code).toBe(143);
      await eventually(() => expect(stops).toEqual(['TERM']));
      await eventually(() => expect(daemon.sessions).toBe(0));
    });

    it('hangs the program up when the CLI is killed outright, as sshd does to a non-root session', async () => {
      const child = spawn(join(daemon.binDir, 'docker'), ['hang'], { stdio: 'pipe' });
      const done = finishedOf(child);
      child.stdout.once('data', () => child.kill('SIGKILL'));

      await done;
      await eventually(() => expect(stops).toEqual(['HUP']));
      await eventually(() => expect(daemon.sessions).toBe(0));
    });

    it('leaves with 141 on its next write once its stdout reader is gone, stopping the program with PIPE', async () => {
      const child = spawn(join(daemon.binDir, 'docker'), ['tick'], { stdio: 'pipe' });
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdout.once('data', () => child.stdout.destroy());

      expect(await exited).toBe(141);
      await eventually(() => expect(stops).toEqual(['PIPE']));
      await eventually(() => expect(daemon.sessions).toBe(0));
    });

    it('says so and exits 1 when no daemon listens', async () => {
      const gone = await startDockerSocketDaemon({ dir: mkdtempSync(join(work, 'gone-')), docker: program, root: work });
      await gone.close();

      const result = await runCli(gone, ['echo'], '');

      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`Cannot connect to the Docker daemon at unix://${gone.socketPath}. Is the docker daemon running?\n`);
    });
  });

  describe('with the docker stand-in', () => {
    let daemon: DockerSocketDaemon;
    let programs: SimulatedGpuPrograms;
    let root: string;

    beforeAll(async () => {
      root = join(work, 'host');
      mkdirSync(join(root, 'remote'), { recursive: true });
      mkdirSync(join(work, 'stand-in'));
      programs = simulatedGpuPrograms(createSimulatedBehaviour());
      daemon = await startDockerSocketDaemon({ dir: join(work, 'stand-in'), docker: programs.docker, root });
    });
    afterAll(async () => {
      await programs?.docker.shutdown();
      await daemon?.close();
    });

    const run = (name: string, hostDir: string, command: readonly string[]): string[] =>
      dockerRun({
        name,
        labels: { job: `job_${name}`, kind: 'test', runs: [`rs_${name}`] },
        image: DEFAULT_IMAGE,
        volumes: [{ host: hostDir, container: '/workspace' }],
        workdir: '/workspace',
        command,
        detached: true,
      }).slice(1);

    it('mounts a real folder inside the root at /workspace', async () => {
      const started = await runCli(daemon, run('made', join(root, 'remote'), ['mkdir', '-p', 'made/here']));
      expect(started).toMatchObject({ code: 0, stderr: '' });
      expect(await runCli(daemon, dockerWait('made').slice(1))).toMatchObject({ code: 0, stdout: '0\n' });
      expect(existsSync(join(root, 'remote', 'made', 'here'))).toBe(true);
    });

    it('refuses a mount outside the root: the container fails and nothing is written there', async () => {
      const outside = join(work, 'outside');
      mkdirSync(outside);
      await runCli(daemon, run('escape', outside, ['mkdir', '-p', 'made']));

      expect(await runCli(daemon, dockerWait('escape').slice(1))).toMatchObject({ code: 0, stdout: '1\n' });
      expect((await runCli(daemon, dockerLogs('escape').slice(1))).stderr).toContain('path escapes the host root');
      expect(existsSync(join(outside, 'made'))).toBe(false);
    });
  });
});
