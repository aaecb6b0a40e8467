import { randomBytes } from 'node:crypto';
import { Container, type PublishedPort, type VolumeMount } from './docker-container.js';
import { keyValues, parseDockerOptions, parsePublish, parseSince, parseVolume, selectGpus, type OptionSpec, type ParsedOptions } from './docker-options.js';
import type { HostPorts } from './host-ports.js';
import { imageView, infoView, inspectView, psView, rfc3339Nano } from './docker-views.js';
import { renderGoTemplate } from './go-template.js';
import { abortExitCode, write, type Program, type ProgramContext, type ProgramTable } from './program.js';
import type { SimulatedBehaviour } from './simulated-behaviour.js';

/** `docker` for exactly what libs/gpu/src/docker-command.ts sends, with containers kept in memory. */
export interface DockerStandIn extends Program {
  /** Indices of the GPUs a running container holds: nvidia-smi shows them busy. */
  busyGpus(): ReadonlySet<number>;
  /** Kills every container and waits for its program: call it before stopping the server. */
  shutdown(): Promise<void>;
}

export interface DockerStandInOptions {
  readonly behaviour: SimulatedBehaviour;
  /** What a container can run (`torchrun`, `python`, the built-ins). */
  readonly programs: ProgramTable;
  /** The host's loopback, where `-p 127.0.0.1:…` publishes a container's port. */
  readonly ports?: HostPorts | null;
}

const RUN: OptionSpec = {
  values: { name: '', label: 'l', gpus: '', publish: 'p', volume: 'v', workdir: 'w', env: 'e', user: 'u', network: '', ipc: '', 'shm-size': '', ulimit: '' },
  flags: { detach: 'd', interactive: 'i', tty: 't' },
  acceptAnyAssignment: true,
};

type Subcommand = (ctx: ProgramContext, options: ParsedOptions) => Promise<number>;

export function createDockerStandIn({ behaviour, programs, ports = null }: DockerStandInOptions): DockerStandIn {
  const containers = new Map<string, Container>();
  const busyGpus = (): Set<number> => new Set([...containers.values()].filter((c) => c.state.status === 'running').flatMap((c) => c.config.gpus));

  const publishedByRunning = (): Set<number> =>
    new Set([...containers.values()].filter((c) => c.state.status === 'running').flatMap((c) => c.config.published.map((p) => p.hostPort)));
  const find = (reference: string): Container | undefined =>
    containers.get(reference) ?? [...containers.values()].find((c) => reference.length >= 12 && c.config.id.startsWith(reference));
  const noSuch = (ctx: ProgramContext, reference: string): Promise<number> => daemonError(ctx, `No such container: ${reference}`);

  const subcommands: Readonly<Record<string, { spec: OptionSpec; stopAtOperand?: true; run: Subcommand }>> = {
    run: {
      spec: RUN,
      stopAtOperand: true,
      run: async (ctx, options) => {
        const [image, ...command] = options.operands;
        if (!options.flags.has('detach')) return fail(ctx, 'gpu-sim: docker run is supported only with --detach', 125);
        if (image === undefined) return fail(ctx, `docker: 'docker run' requires at least 1 argument.`, 125);
        if (command.length === 0) return fail(ctx, 'gpu-sim: the simulated images have no default command; pass one', 125);
        if (!behaviour.images.includes(image) && !behaviour.images.includes(`${image}:latest`)) {
          await write(ctx.stderr, `Unable to find image '${image}' locally\n`);
          return fail(ctx, `docker: Error response from daemon: pull access denied for ${image}, repository does not exist or may require 'docker login'.`, 125);
        }
        const name = options.values.get('name')?.at(-1) ?? `sim_${randomBytes(4).toString('hex')}`;
        const taken = containers.get(name);
        if (taken !== undefined) {
          return fail(
            ctx,
            `docker: Error response from daemon: Conflict. The container name "/${name}" is already in use by container "${taken.config.id}". You have to remove (or rename) that container to be able to reuse that name.`,
            125,
          );
        }
        const gpus = selectGpus(options.values.get('gpus')?.at(-1), behaviour.gpus.length);
        if (typeof gpus === 'string') return fail(ctx, `docker: Error response from daemon: ${gpus}`, 125);
        const volumes = (options.values.get('volume') ?? []).map(parseVolume);
        const badVolume = volumes.find((v) => typeof v === 'string');
        if (typeof badVolume === 'string') return fail(ctx, `docker: ${badVolume}`, 125);
        const published = (options.values.get('publish') ?? []).map(parsePublish);
        const badPublish = published.find((p) => typeof p === 'string');
        if (typeof badPublish === 'string') return fail(ctx, `docker: ${badPublish}`, 125);
        // docker binds a published port at run, before the process listens, and holds it until exit.
        const bound = (published as PublishedPort[]).find((p) => publishedByRunning().has(p.hostPort));
        if (bound !== undefined) return fail(ctx, `docker: Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:${bound.hostPort} failed: port is already allocated.`, 125);
        const config = {
          id: randomBytes(32).toString('hex'),
          name,
          image,
          labels: keyValues(options.values.get('label')),
          // What the NVIDIA container runtime tells a container about the GPUs --gpus gave it.
          env: { ...keyValues(options.values.get('env')), NVIDIA_VISIBLE_DEVICES: gpus.join(',') },
          command,
          workdir: options.values.get('workdir')?.at(-1) ?? null,
          volumes: volumes as VolumeMount[],
          gpus,
          published: published as PublishedPort[],
          createdAt: new Date(),
        };
        // Two model processes on one board: the second one's allocation fails, as on a real GPU.
        const shared = gpus.filter((index) => busyGpus().has(index));
        const program = shared.length > 0 ? outOfMemoryOn(shared) : programs[command[0]];
        if (program === undefined) {
          const reason = `exec: "${command[0]}": executable file not found in $PATH`;
          containers.set(name, Container.failedToStart(config, reason));
          return fail(ctx, `docker: Error response from daemon: failed to create task for container: OCI runtime create failed: ${reason}: unknown.`, 127);
        }
        containers.set(name, new Container(config, program, ctx.resolvePath, ctx.cwd, ports));
        await write(ctx.stdout, `${config.id}\n`);
        return 0;
      },
    },

    logs: {
      spec: { values: { since: '', until: '', tail: 'n' }, flags: { follow: 'f', timestamps: 't', details: '' } },
      run: async (ctx, options) => {
        const container = find(one(options.operands) ?? '');
        if (container === undefined) return noSuch(ctx, options.operands[0] ?? '');
        const since = parseSince(options.values.get('since')?.at(-1));
        if (typeof since === 'string') return fail(ctx, since, 1);
        const stamp = options.flags.has('timestamps');
        let next = 0;
        const tail = options.values.get('tail')?.at(-1);
        if (tail !== undefined && tail !== 'all') next = Math.max(0, container.log.length - Number(tail));
        const stopped = new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
        for (;;) {
          while (next < container.log.length) {
            const entry = container.log[next++];
            if (since !== null && entry.at.getTime() < since) continue;
            const text = stamp ? `${rfc3339Nano(entry.at)} ${entry.text}` : entry.text;
            await write(entry.stream === 'stdout' ? ctx.stdout : ctx.stderr, text);
          }
          if (!options.flags.has('follow') || container.state.status !== 'running') return 0;
          if (ctx.signal.aborted) return abortExitCode(ctx.signal);
          await Promise.race([container.changed(), stopped]);
        }
      },
    },

    wait: {
      spec: { values: {}, flags: {} },
      run: async (ctx, options) => {
        let code = 0;
        for (const reference of options.operands) {
          const container = find(reference);
          if (container === undefined) {
            code = await noSuch(ctx, reference);
            continue;
          }
          const exitCode = await container.waitForExit(ctx.signal);
          if (exitCode === null) return abortExitCode(ctx.signal);
          await write(ctx.stdout, `${exitCode}\n`);
        }
        return code;
      },
    },

    kill: {
      spec: { values: { signal: 's' }, flags: {} },
      run: async (ctx, options) => {
        const signal = (options.values.get('signal')?.at(-1) ?? 'KILL').replace(/^SIG/, '');
        let code = 0;
        for (const reference of options.operands) {
          const container = find(reference);
          if (container === undefined) code = await noSuch(ctx, reference);
          else if (container.state.status !== 'running') {
            code = await daemonError(ctx, `cannot kill container: ${reference}: container ${container.config.id} is not running`);
          } else {
            container.kill(signal === '9' ? 'KILL' : signal);
            await write(ctx.stdout, `${reference}\n`);
          }
        }
        return code;
      },
    },

    rm: {
      spec: { values: {}, flags: { force: 'f', volumes: 'v' } },
      run: async (ctx, options) => {
        let code = 0;
        for (const reference of options.operands) {
          const container = find(reference);
          if (container === undefined) {
            if (!options.flags.has('force')) code = await noSuch(ctx, reference);
            continue;
          }
          if (container.state.status === 'running') {
            if (!options.flags.has('force')) {
              code = await daemonError(
                ctx,
                `You cannot remove a running container ${container.config.id}. Stop the container before attempting removal or force remove`,
              );
              continue;
            }
            container.kill('KILL');
          }
          containers.delete(container.config.name);
          await write(ctx.stdout, `${reference}\n`);
        }
        return code;
      },
    },

    inspect: {
      spec: { values: { type: '', format: 'f' }, flags: { size: 's' } },
      run: async (ctx, options) => {
        const type = options.values.get('type')?.at(-1);
        if (type !== undefined && type !== 'container') return fail(ctx, `gpu-sim: docker inspect --type ${type} is not simulated`, 1);
        const format = options.values.get('format')?.at(-1);
        const views: unknown[] = [];
        let code = 0;
        for (const reference of options.operands) {
          const container = find(reference);
          if (container === undefined) {
            await write(ctx.stderr, `Error: No such container: ${reference}\n`);
            code = 1;
          } else views.push(inspectView(container));
        }
        if (format === undefined) await write(ctx.stdout, `${JSON.stringify(views, null, 4)}\n`);
        else for (const view of views) if ((await printTemplate(ctx, format, view)) !== 0) return 1;
        return code;
      },
    },

    ps: {
      spec: { values: { filter: 'f', format: '' }, flags: { all: 'a', 'no-trunc': '', quiet: 'q' } },
      run: async (ctx, options) => {
        const filters = (options.values.get('filter') ?? []).map(parseFilter);
        const badFilter = filters.find((f) => typeof f === 'string');
        if (typeof badFilter === 'string') return daemonError(ctx, badFilter);
        const now = new Date();
        const listed = [...containers.values()]
          .filter((c) => options.flags.has('all') || c.state.status === 'running')
          .filter((c) => (filters as Filter[]).every((f) => f(c)))
          .sort((a, b) => b.config.createdAt.getTime() - a.config.createdAt.getTime());
        const format = options.values.get('format')?.at(-1) ?? '{{.ID}}\t{{.Image}}\t{{.Status}}\t{{.Names}}';
        for (const container of listed) {
          const view = psView(container, options.flags.has('no-trunc'), now);
          if (options.flags.has('quiet')) await write(ctx.stdout, `${view.ID}\n`);
          else if ((await printTemplate(ctx, format, view)) !== 0) return 1;
        }
        return 0;
      },
    },

    info: {
      spec: { values: { format: 'f' }, flags: {} },
      run: (ctx, options) => printTemplate(ctx, options.values.get('format')?.at(-1) ?? '{{json .}}', infoView(behaviour, [...containers.values()])),
    },

    images: {
      spec: { values: { format: '', filter: 'f' }, flags: { all: 'a', 'no-trunc': '', quiet: 'q' } },
      run: async (ctx, options) => {
        const format = options.values.get('format')?.at(-1) ?? '{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}';
        for (const image of behaviour.images) if ((await printTemplate(ctx, format, imageView(image))) !== 0) return 1;
        return 0;
      },
    },
  };

  const docker: Program = async (ctx) => {
    const [, name, ...args] = ctx.argv;
    const subcommand = name === undefined ? undefined : subcommands[name];
    if (subcommand === undefined) return fail(ctx, `docker: '${name ?? ''}' is not a docker command (gpu-sim simulates ${Object.keys(subcommands).join(', ')}).`, 1);
    const options = parseDockerOptions(args, subcommand.spec, subcommand.stopAtOperand === true);
    if ('error' in options) return fail(ctx, `${options.error}\nSee 'docker ${name} --help'.`, 125);
    return subcommand.run(ctx, options);
  };

  return Object.assign(docker, {
    busyGpus,
    shutdown: async () => {
      await Promise.all([...containers.values()].map((c) => c.settle()));
    },
  });
}

type Filter = (container: Container) => boolean;

/** `label=key`, `label=key=value`, `name=…` (substring, as docker matches it) and `status=…`. */
function parseFilter(filter: string): Filter | string {
  const [kind, ...rest] = filter.split('=');
  const value = rest.join('=');
  switch (kind) {
    case 'label': {
      const [key, ...expected] = value.split('=');
      return expected.length === 0 ? (c) => key in c.config.labels : (c) => c.config.labels[key] === expected.join('=');
    }
    case 'name':
      return (c) => c.config.name.includes(value);
    case 'status':
      return (c) => c.state.status === value;
    default:
      return `invalid filter '${kind}'`;
  }
}

async function printTemplate(ctx: ProgramContext, format: string, data: unknown): Promise<number> {
  const rendered = renderGoTemplate(format, data);
  if ('error' in rendered) return fail(ctx, rendered.error, 1);
  await write(ctx.stdout, `${rendered.text}\n`);
  return 0;
}

function one(operands: readonly string[]): string | undefined {
  return operands.length === 1 ? operands[0] : undefined;
}

function daemonError(ctx: ProgramContext, message: string): Promise<number> {
  return fail(ctx, `Error response from daemon: ${message}`, 1);
}

/** The model of a container given GPUs another running container holds: CUDA runs out of memory at load. */
function outOfMemoryOn(gpus: readonly number[]): Program {
  return async (ctx) => {
    await write(ctx.stderr, `torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 20.00 GiB. GPU ${gpus[0]} has a total capacity of 79.19 GiB of which 5.06 GiB is free (held by another process)\n`);
    return 1;
  };
}

async function fail(ctx: ProgramContext, message: string, code: number): Promise<number> {
  await write(ctx.stderr, `${message}\n`);
  return code;
}
