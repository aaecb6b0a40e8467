import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  dockerImages,
  dockerInfo,
  dockerInspect,
  dockerKill,
  dockerLogs,
  dockerPs,
  dockerRemove,
  dockerRun,
  dockerWait,
  type DockerRunSpec,
} from '../../gpu/src/index.js';
import { DEFAULT_IMAGE } from './simulated-behaviour.js';
import { startSimulatedGpuHost, type SimulatedGpuHost } from './simulated-gpu.fixture.js';

const container = (name: string, command: readonly string[], overrides: Partial<DockerRunSpec> = {}): DockerRunSpec => ({
  name,
  labels: { job: `job_${name}`, kind: 'test', runs: [`rs_${name}`] },
  image: DEFAULT_IMAGE,
  volumes: [{ host: '/remote', container: '/workspace' }],
  workdir: '/workspace',
  command,
  detached: true,
  ...overrides,
});

describe('docker stand-in', () => {
  let host: SimulatedGpuHost;

  beforeAll(async () => {
    host = await startSimulatedGpuHost();
    mkdirSync(join(host.root, 'remote'));
  });
  afterAll(() => host?.stop());

  it('runs a detached command in /workspace mapped to the volume, and keeps its output for logs', async () => {
    const started = await host.exec(dockerRun(container('echo_1', ['mkdir', '-p', 'made/here'], { sudo: true })));
    expect(started).toMatchObject({ code: 0, stderr: '' });
    expect(started.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    expect(await host.exec(dockerWait('echo_1'))).toMatchObject({ code: 0, stdout: '0\n' });
    expect(existsSync(join(host.root, 'remote', 'made', 'here'))).toBe(true);

    await host.exec(dockerRun(container('echo_2', ['echo', 'hello from', 'the container'])));
    await host.exec(dockerWait('echo_2'));
    expect(await host.exec(dockerLogs('echo_2'))).toMatchObject({ code: 0, stdout: 'hello from the container\n' });
    const stamped = await host.exec(dockerLogs('echo_2', { timestamps: true }));
    expect(stamped.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z hello from the container\n$/);
    expect((await host.exec(dockerLogs('echo_2', { since: new Date(Date.now() + 60_000) }))).stdout).toBe('');
    expect((await host.exec(dockerLogs('echo_2', { since: new Date(Date.now() - 60_000) }))).stdout).toBe('hello from the container\n');
  });

  it('refuses a second container with the same name with 125', async () => {
    await host.exec(dockerRun(container('dup', ['true'])));
    const again = await host.exec(dockerRun(container('dup', ['true'])));
    expect(again.code).toBe(125);
    expect(again.stderr).toMatch(/Conflict\. The container name "\/dup" is already in use by container "[0-9a-f]{64}"/);
  });

  it('kills a running container: wait prints 137, the state says exited', async () => {
    await host.exec(dockerRun(container('sleeper', ['sleep', '30'])));
    const waiting = host.exec(dockerWait('sleeper'));
    expect(await host.exec(dockerInspect('sleeper', '{{.State.Status}} {{.State.Running}}'))).toMatchObject({ stdout: 'running true\n' });
    expect(await host.exec(dockerRemove('sleeper'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/cannot remove a running container/) });
    expect(await host.exec(dockerKill('sleeper'))).toMatchObject({ code: 0, stdout: 'sleeper\n' });
    expect(await waiting).toMatchObject({ code: 0, stdout: '137\n' });
    const state = JSON.parse((await host.exec(dockerInspect('sleeper', '{{json .State}}'))).stdout);
    expect(state).toMatchObject({ Status: 'exited', Running: false, ExitCode: 137 });
    expect(Date.parse(state.FinishedAt)).toBeGreaterThanOrEqual(Date.parse(state.StartedAt));
    expect(await host.exec(dockerKill('sleeper'))).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not running/) });
    expect(await host.exec(dockerRemove('sleeper'))).toMatchObject({ code: 0 });
    expect(await host.exec(dockerWait('sleeper'))).toMatchObject({ code: 1, stderr: 'Error response from daemon: No such container: sleeper\n' });
  });

  it('lists containers by label, one JSON object per line', async () => {
    await host.exec(dockerRun(container('listed_a', ['sleep', '30'], { labels: { job: 'job_listed', kind: 'inference', runs: ['rs_a', 'rs_b'] } })));
    await host.exec(dockerRun(container('listed_b', ['true'], { labels: { job: 'job_listed', kind: 'inference', runs: ['rs_c'] } })));
    await host.exec(dockerWait('listed_b'));
    const listed = await host.exec(dockerPs({ labelFilter: { 'cosmos.job': 'job_listed' } }));
    const rows = listed.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(rows.map((row) => [row.Names, row.State])).toEqual([
      ['listed_b', 'exited'],
      ['listed_a', 'running'],
    ]);
    expect(rows[0].Status).toMatch(/^Exited \(0\) /);
    expect(rows[1]).toMatchObject({ Labels: 'cosmos.job=job_listed,cosmos.kind=inference,cosmos.run=rs_a,rs_b', ID: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const running = await host.exec(dockerPs({ labelFilter: { 'cosmos.job': 'job_listed' }, all: false }));
    expect(running.stdout.trim().split('\n').map((line) => JSON.parse(line).Names)).toEqual(['listed_a']);
    expect((await host.exec(dockerPs({ labelFilter: { 'cosmos.run': true, 'cosmos.kind': 'nothing' } }))).stdout).toBe('');
    await host.exec(dockerKill('listed_a'));
  });

  it('answers info and images, and refuses an image it does not have or a command it cannot run', async () => {
    expect(JSON.parse((await host.exec(dockerInfo())).stdout)).toMatchObject({ Runtimes: { nvidia: expect.anything() } });
    expect(JSON.parse((await host.exec(dockerImages())).stdout)).toMatchObject({ Repository: 'cosmos-transfer1', Tag: 'latest' });
    expect(await host.exec(dockerRun(container('no_image', ['true'], { image: 'elsewhere/unknown:1' })))).toMatchObject({
      code: 125,
      stderr: expect.stringMatching(/^Unable to find image 'elsewhere\/unknown:1' locally\n/),
    });
    expect(await host.exec(dockerRun(container('no_program', ['nope'])))).toMatchObject({ code: 127, stderr: expect.stringMatching(/"nope": executable file not found/) });
    expect(await host.exec(dockerInspect('no_program', '{{.State.ExitCode}}'))).toMatchObject({ stdout: '127\n' });
  });
});
