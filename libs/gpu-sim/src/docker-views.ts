import type { Container } from './docker-container.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/** Go's zero time, which docker prints as FinishedAt of a container that has not stopped. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** `docker inspect`'s object, with the fields a client reads. */
export function inspectView(container: Container): Record<string, unknown> {
  const { config, state } = container;
  return {
    Id: config.id,
    Created: rfc3339Nano(config.createdAt),
    Path: config.command[0] ?? '',
    Args: config.command.slice(1),
    State: {
      Status: state.status,
      Running: state.status === 'running',
      Paused: false,
      Restarting: false,
      OOMKilled: false,
      Dead: false,
      Pid: state.status === 'running' ? 4242 : 0,
      ExitCode: state.status === 'running' ? 0 : state.exitCode,
      Error: state.status === 'running' ? '' : state.error,
      StartedAt: rfc3339Nano(state.startedAt),
      FinishedAt: state.status === 'running' ? ZERO_TIME : rfc3339Nano(state.finishedAt),
    },
    Image: `sha256:${imageId(config.image)}`,
    Name: `/${config.name}`,
    Mounts: config.volumes.map((v) => ({ Type: 'bind', Source: v.host, Destination: v.container, Mode: v.readOnly ? 'ro' : '', RW: !v.readOnly })),
    Config: {
      Image: config.image,
      Labels: { ...config.labels },
      Env: Object.entries(config.env).map(([key, value]) => `${key}=${value}`),
      Cmd: [...config.command],
      WorkingDir: config.workdir ?? '',
    },
  };
}

/** One `docker ps --format '{{json .}}'` line: every value a string, Labels joined with commas as docker does. */
export function psView(container: Container, noTrunc: boolean, now: Date): Record<string, string> {
  const { config, state } = container;
  const command = config.command.join(' ');
  return {
    Command: JSON.stringify(noTrunc || command.length <= 20 ? command : `${command.slice(0, 19)}…`),
    CreatedAt: dockerDate(config.createdAt),
    ID: noTrunc ? config.id : config.id.slice(0, 12),
    Image: config.image,
    Labels: Object.entries(config.labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, value]) => `${key}=${value}`)
      .join(','),
    LocalVolumes: '0',
    Mounts: config.volumes.map((v) => v.host).join(','),
    Names: config.name,
    Networks: 'bridge',
    Ports: '',
    RunningFor: `${humanDuration(now.getTime() - config.createdAt.getTime())} ago`,
    Size: '0B',
    State: state.status,
    Status:
      state.status === 'running'
        ? `Up ${humanDuration(now.getTime() - state.startedAt.getTime())}`
        : `Exited (${state.exitCode}) ${humanDuration(now.getTime() - state.finishedAt.getTime())} ago`,
  };
}

export function infoView(behaviour: SimulatedBehaviour, containers: readonly Container[]): Record<string, unknown> {
  const running = containers.filter((c) => c.state.status === 'running').length;
  return {
    ID: 'GPUS:IM:UL:AT:ED',
    Containers: containers.length,
    ContainersRunning: running,
    ContainersPaused: 0,
    ContainersStopped: containers.length - running,
    Images: behaviour.images.length,
    Driver: 'overlay2',
    ServerVersion: '27.5.1',
    OperatingSystem: 'Ubuntu 22.04.5 LTS (gpu-sim)',
    OSType: 'linux',
    Architecture: 'x86_64',
    NCPU: 32,
    MemTotal: 270_000_000_000,
    DefaultRuntime: 'runc',
    Runtimes: { nvidia: { path: 'nvidia-container-runtime' }, runc: { path: 'runc' } },
    Name: 'gpu-sim',
  };
}

export function imageView(reference: string): Record<string, string> {
  const at = reference.lastIndexOf(':');
  const hasTag = at > reference.lastIndexOf('/');
  return {
    Containers: 'N/A',
    CreatedAt: '2025-06-01 00:00:00 +0000 UTC',
    CreatedSince: '3 months ago',
    Digest: '<none>',
    ID: imageId(reference).slice(0, 12),
    Repository: hasTag ? reference.slice(0, at) : reference,
    SharedSize: 'N/A',
    Size: '38.2GB',
    Tag: hasTag ? reference.slice(at + 1) : 'latest',
    UniqueSize: 'N/A',
    VirtualSize: '38.2GB',
  };
}

/** RFC 3339 with nanoseconds, as docker prints times in inspect and `logs --timestamps`. */
export function rfc3339Nano(at: Date): string {
  return at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

/** A stable fake image id, so `images` and `inspect` agree. */
function imageId(reference: string): string {
  let hash = 0x811c9dc5;
  for (const c of reference) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0').repeat(8);
}

function dockerDate(at: Date): string {
  return `${at.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} +0000 UTC`;
}

/** docker's units.HumanDuration, coarsely. */
function humanDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours === 1 ? 'About an hour' : `${hours} hours`;
}
