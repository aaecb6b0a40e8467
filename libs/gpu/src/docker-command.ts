/**
 * The one builder of docker command lines. It returns argv arrays; `SshConnection.exec` turns them
 * into a command with `shellCommand`, so no value here is ever interpreted by a shell. Values that
 * docker itself parses (names, image references, mount specs, ids in labels) are validated so that
 * none can start with `-` and be read as an option.
 */

/** From the node's config: hosts where docker needs root get `sudo -n` (never a password prompt). */
export interface DockerInvocation {
  readonly sudo?: boolean;
}

export const CONTAINER_LABELS = { job: 'cosmos.job', run: 'cosmos.run', kind: 'cosmos.kind', gpus: 'cosmos.gpus', server: 'cosmos.server' } as const;

/** `all`, a number of GPUs, or specific device indices. */
export type GpuSelection = 'all' | { readonly count: number } | { readonly devices: readonly number[] };

export interface VolumeMount {
  readonly host: string;
  readonly container: string;
  readonly readOnly?: boolean;
}

export interface ContainerLabels {
  readonly job: string;
  readonly kind: string;
  /** Every run the container produces; a batch holds several (joined with commas in one label). */
  readonly runs: readonly string[];
}

/** A long-lived model server is ours but runs no job: it never carries the job labels recovery looks for. */
export interface ServerLabels {
  readonly server: string;
}

/** `-p 127.0.0.1:<hostPort>:<containerPort>`: only ever the node's loopback, reached through SSH. */
export interface PublishedPort {
  readonly hostPort: number;
  readonly containerPort: number;
}

export interface DockerRunSpec extends DockerInvocation {
  readonly name: string;
  readonly labels: ContainerLabels | ServerLabels;
  readonly publish?: readonly PublishedPort[];
  readonly image: string;
  readonly gpus?: GpuSelection;
  readonly volumes?: readonly VolumeMount[];
  readonly workdir?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Trusted options from node config, placed before the image (`--ipc=host`, `--shm-size=8g`). */
  readonly extraArgs?: readonly string[];
  /** The argv run inside the container. */
  readonly command: readonly string[];
  /**
   * Always detached and never `--rm`: the worker follows `docker logs -f`, reads the exit code
   * with `docker wait`, and after its own restart finds the container (running or exited) by name.
   */
  readonly detached: true;
}

export interface DockerLogsOptions extends DockerInvocation {
  readonly follow?: boolean;
  /** Resume point: a Date, an RFC 3339 time or Unix seconds, as `docker logs --since` takes. */
  readonly since?: Date | string;
  readonly timestamps?: boolean;
}

export interface DockerPsOptions extends DockerInvocation {
  /** Label → value; `true` matches any value. */
  readonly labelFilter?: Readonly<Record<string, string | true>>;
  /** Include exited containers (default true: a finished job still has to be finalized). */
  readonly all?: boolean;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const IMAGE = /^[a-z0-9][a-z0-9._\-/:@]*$/i;
const LABEL_KEY = /^[a-z0-9][a-z0-9._-]*$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SIGNAL = /^(SIG)?[A-Z0-9+-]+$|^[0-9]+$/;
const SINCE = /^[0-9][0-9A-Za-z:.+-]*$/;

export function dockerRun(spec: DockerRunSpec): string[] {
  const { labels } = spec;
  if (!IMAGE.test(spec.image)) throw new TypeError(`docker image reference ${JSON.stringify(spec.image)} is not valid`);
  if ('runs' in labels && labels.runs.length === 0) throw new TypeError('a container must be labelled with at least one run');
  if (spec.command.length === 0) throw new TypeError('docker run needs a command');
  const argv = [...docker(spec), 'run', '--detach', '--name', checkName(spec.name)];
  if ('server' in labels) argv.push('--label', `${CONTAINER_LABELS.server}=${checkId('server', labels.server)}`);
  else {
    argv.push('--label', `${CONTAINER_LABELS.job}=${checkId('job', labels.job)}`);
    argv.push('--label', `${CONTAINER_LABELS.run}=${labels.runs.map((run) => checkId('run', run)).join(',')}`);
    argv.push('--label', `${CONTAINER_LABELS.kind}=${checkId('kind', labels.kind)}`);
  }
  for (const port of spec.publish ?? []) argv.push('--publish', `127.0.0.1:${checkPort(port.hostPort)}:${checkPort(port.containerPort)}`);
  if (spec.gpus !== undefined) argv.push('--gpus', gpusValue(spec.gpus));
  // The GPUs a job holds, for status and for telling slots apart: docker ps does not show --gpus.
  if (spec.gpus !== undefined && spec.gpus !== 'all' && 'devices' in spec.gpus) argv.push('--label', `${CONTAINER_LABELS.gpus}=${spec.gpus.devices.join(',')}`);
  for (const volume of spec.volumes ?? []) {
    argv.push('--volume', `${checkMountPath(volume.host)}:${checkMountPath(volume.container)}${volume.readOnly ? ':ro' : ''}`);
  }
  if (spec.workdir !== undefined) argv.push('--workdir', checkMountPath(spec.workdir));
  for (const [name, value] of Object.entries(spec.env ?? {})) {
    if (!ENV_NAME.test(name)) throw new TypeError(`environment variable name ${JSON.stringify(name)} is not valid`);
    argv.push('--env', `${name}=${value}`);
  }
  argv.push(...(spec.extraArgs ?? []), spec.image, ...spec.command);
  return argv;
}

export function dockerLogs(name: string, options: DockerLogsOptions = {}): string[] {
  const argv = [...docker(options), 'logs'];
  if (options.follow) argv.push('--follow');
  if (options.timestamps) argv.push('--timestamps');
  if (options.since !== undefined) argv.push('--since', sinceValue(options.since));
  return [...argv, checkName(name)];
}

/** Blocks until the container stops, then prints its exit code (immediately if it already has). */
export function dockerWait(name: string, options: DockerInvocation = {}): string[] {
  return [...docker(options), 'wait', checkName(name)];
}

/** One container by name, never "every container of the image" (the predecessor's global kill). */
export function dockerKill(name: string, options: DockerInvocation & { readonly signal?: string } = {}): string[] {
  const argv = [...docker(options), 'kill'];
  if (options.signal !== undefined) {
    if (!SIGNAL.test(options.signal)) throw new TypeError(`signal ${JSON.stringify(options.signal)} is not valid`);
    argv.push('--signal', options.signal);
  }
  return [...argv, checkName(name)];
}

/** Removes a stopped container once the worker has finalized its job. */
export function dockerRemove(name: string, options: DockerInvocation = {}): string[] {
  return [...docker(options), 'rm', checkName(name)];
}

/** `format` is a Go template such as `{{json .State}}`. */
export function dockerInspect(name: string, format: string, options: DockerInvocation = {}): string[] {
  return [...docker(options), 'inspect', '--type', 'container', '--format', format, checkName(name)];
}

/** One JSON object per line. */
export function dockerPs(options: DockerPsOptions = {}): string[] {
  const argv = [...docker(options), 'ps', '--no-trunc'];
  if (options.all ?? true) argv.push('--all');
  for (const [key, value] of Object.entries(options.labelFilter ?? {})) {
    if (!LABEL_KEY.test(key)) throw new TypeError(`label key ${JSON.stringify(key)} is not valid`);
    argv.push('--filter', value === true ? `label=${key}` : `label=${key}=${checkId(key, value)}`);
  }
  return [...argv, '--format', '{{json .}}'];
}

export function dockerInfo(options: DockerInvocation = {}): string[] {
  return [...docker(options), 'info', '--format', '{{json .}}'];
}

/** One JSON object per line. */
export function dockerImages(options: DockerInvocation = {}): string[] {
  return [...docker(options), 'images', '--format', '{{json .}}'];
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new TypeError(`port ${port} is not a TCP port`);
  return port;
}

function docker({ sudo }: DockerInvocation): string[] {
  return sudo ? ['sudo', '-n', 'docker'] : ['docker'];
}

function checkName(name: string): string {
  if (!NAME.test(name)) throw new TypeError(`container name ${JSON.stringify(name)} is not valid (letters, digits, _ . -)`);
  return name;
}

function checkId(what: string, value: string): string {
  if (!NAME.test(value)) throw new TypeError(`${what} ${JSON.stringify(value)} is not a valid label value`);
  return value;
}

/** Absolute, and free of the `:` and `,` that docker's `-v host:container:mode` syntax splits on. */
function checkMountPath(path: string): string {
  if (!path.startsWith('/') || /[:,\0\n\r]/.test(path)) {
    throw new TypeError(`mount path ${JSON.stringify(path)} must be absolute and contain no ":" "," or control characters`);
  }
  return path;
}

function gpusValue(gpus: GpuSelection): string {
  if (gpus === 'all') return 'all';
  if ('count' in gpus) {
    if (!Number.isInteger(gpus.count) || gpus.count < 1) throw new TypeError(`GPU count ${gpus.count} must be a positive integer`);
    return String(gpus.count);
  }
  if (gpus.devices.length === 0 || !gpus.devices.every((index) => Number.isInteger(index) && index >= 0)) {
    throw new TypeError(`GPU devices ${JSON.stringify(gpus.devices)} must be non-negative integers`);
  }
  // docker reads --gpus as CSV, so a device list needs literal double quotes around it
  // (docs.docker.com "Access an NVIDIA GPU": --gpus '"device=1,2"').
  return `"device=${gpus.devices.join(',')}"`;
}

function sinceValue(since: Date | string): string {
  if (since instanceof Date) {
    if (Number.isNaN(since.getTime())) throw new TypeError('docker logs --since got an invalid Date');
    return since.toISOString();
  }
  if (!SINCE.test(since)) throw new TypeError(`docker logs --since ${JSON.stringify(since)} is not a time`);
  return since;
}
