import { jobContainerName } from '../../domain/src/index.js';
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
} from './docker-command.js';

const inference: DockerRunSpec = {
  name: 'cosmos_inference_job_0123456789ab',
  labels: { job: 'job_0123456789ab', kind: 'inference', runs: ['rs_0123456789abcdef0123456789abcdef'] },
  image: 'nvcr.io/example/cosmos-transfer1:latest',
  gpus: { devices: [0, 1] },
  volumes: [
    { host: '/srv/cosmos', container: '/workspace' },
    { host: '/home/gpu/.cache/huggingface', container: '/root/.cache/huggingface', readOnly: true },
  ],
  workdir: '/workspace',
  env: { CUDA_VISIBLE_DEVICES: '0,1', NOTE: "it's $(not) expanded" },
  extraArgs: ['--ipc=host', '--shm-size=8g'],
  command: ['bash', '/workspace/bashscripts/inference.sh', 'rs_0123456789abcdef0123456789abcdef'],
  detached: true,
};

describe('dockerRun', () => {
  it('builds a detached, named, labelled run with options before the image and the command after it', () => {
    expect(dockerRun(inference)).toEqual([
      'docker', 'run', '--detach', '--name', 'cosmos_inference_job_0123456789ab',
      '--label', 'cosmos.job=job_0123456789ab',
      '--label', 'cosmos.run=rs_0123456789abcdef0123456789abcdef',
      '--label', 'cosmos.kind=inference',
      '--gpus', '"device=0,1"',
      '--label', 'cosmos.gpus=0,1',
      '--volume', '/srv/cosmos:/workspace',
      '--volume', '/home/gpu/.cache/huggingface:/root/.cache/huggingface:ro',
      '--workdir', '/workspace',
      '--env', 'CUDA_VISIBLE_DEVICES=0,1',
      '--env', "NOTE=it's $(not) expanded",
      '--ipc=host', '--shm-size=8g',
      'nvcr.io/example/cosmos-transfer1:latest',
      'bash', '/workspace/bashscripts/inference.sh', 'rs_0123456789abcdef0123456789abcdef',
    ]);
  });

  it('never removes the container on exit, so its exit code survives a worker restart', () => {
    expect(dockerRun(inference)).not.toContain('--rm');
  });

  it('prefixes sudo -n when the node needs it', () => {
    expect(dockerRun({ ...inference, sudo: true }).slice(0, 4)).toEqual(['sudo', '-n', 'docker', 'run']);
  });

  it('labels every run of a batch and selects GPUs by count or all', () => {
    const argv = dockerRun({ ...inference, labels: { ...inference.labels, runs: ['rs_a1', 'rs_b2'] }, gpus: { count: 2 } });
    expect(argv).toContain('cosmos.run=rs_a1,rs_b2');
    expect(argv[argv.indexOf('--gpus') + 1]).toBe('2');
    expect(dockerRun({ ...inference, gpus: 'all' })).toContain('all');
    expect(dockerRun({ ...inference, gpus: undefined })).not.toContain('--gpus');
  });

  it.each([
    ['a name that docker would read as an option', { name: '--privileged' }, /container name/],
    ['a name with a space', { name: 'cosmos job' }, /container name/],
    ['an image that docker would read as an option', { image: '--privileged' }, /image/],
    ['a label id with a comma', { labels: { ...inference.labels, job: 'job_1,job_2' } }, /job/],
    ['no runs', { labels: { ...inference.labels, runs: [] } }, /at least one run/],
    ['a relative volume', { volumes: [{ host: 'srv', container: '/workspace' }] }, /absolute/],
    ['a volume path with a colon', { volumes: [{ host: '/srv:/etc', container: '/workspace' }] }, /":"/],
    ['an environment name with =', { env: { 'A=B': 'c' } }, /environment variable/],
    ['zero GPUs', { gpus: { count: 0 } }, /positive/],
    ['a negative device', { gpus: { devices: [-1] } }, /non-negative/],
    ['an empty command', { command: [] }, /command/],
  ])('refuses %s', (_what, change, message) => {
    expect(() => dockerRun({ ...inference, ...change } as DockerRunSpec)).toThrow(message);
  });
});

describe('the other docker commands', () => {
  // Names come from the job decider (jobContainerName), with the attempt in them.
  const name = jobContainerName('inference', 'job_0123456789ab', 1);

  it('refuses a container name docker would not accept', () => {
    expect(() => dockerLogs('in ference')).toThrow(/container name/);
  });

  it('follows logs from a resume point', () => {
    expect(dockerLogs(name)).toEqual(['docker', 'logs', name]);
    expect(dockerLogs(name, { follow: true, timestamps: true, since: new Date('2026-01-02T03:04:05.678Z'), sudo: true })).toEqual([
      'sudo', '-n', 'docker', 'logs', '--follow', '--timestamps', '--since', '2026-01-02T03:04:05.678Z', name,
    ]);
    expect(dockerLogs(name, { since: '1767323045' })).toContain('1767323045');
    expect(() => dockerLogs(name, { since: '--help' })).toThrow(/since/);
  });

  it('waits, kills, removes and inspects one container by name', () => {
    expect(dockerWait(name)).toEqual(['docker', 'wait', name]);
    expect(dockerKill(name)).toEqual(['docker', 'kill', name]);
    expect(dockerKill(name, { signal: 'SIGTERM', sudo: true })).toEqual(['sudo', '-n', 'docker', 'kill', '--signal', 'SIGTERM', name]);
    expect(() => dockerKill(name, { signal: 'TERM; reboot' })).toThrow(/signal/);
    expect(dockerRemove(name)).toEqual(['docker', 'rm', name]);
    expect(dockerInspect(name, '{{json .State}}')).toEqual(['docker', 'inspect', '--type', 'container', '--format', '{{json .State}}', name]);
  });

  it('lists containers by label as JSON lines, exited ones included', () => {
    expect(dockerPs({ labelFilter: { 'cosmos.job': 'job_0123456789ab', 'cosmos.kind': true } })).toEqual([
      'docker', 'ps', '--no-trunc', '--all',
      '--filter', 'label=cosmos.job=job_0123456789ab', '--filter', 'label=cosmos.kind',
      '--format', '{{json .}}',
    ]);
    expect(dockerPs({ all: false })).not.toContain('--all');
    expect(() => dockerPs({ labelFilter: { 'Cosmos Job': 'x1' } })).toThrow(/label key/);
  });

  it('reports the daemon and its images as JSON', () => {
    expect(dockerInfo({ sudo: true })).toEqual(['sudo', '-n', 'docker', 'info', '--format', '{{json .}}']);
    expect(dockerImages()).toEqual(['docker', 'images', '--format', '{{json .}}']);
  });
});
