import type { GpuNodeConfig } from '../../../config/src/index.js';
import type { ExecutorNode } from '../executor/container-run.js';
import { SshConnection, type SshLogger } from '../ssh-connection.js';
import type { SshNodeConfig } from '../ssh-node.config.js';
import { toSshNodeConfig } from '../ssh-node.from-config.js';

/** One GPU host the service runs jobs on: how to reach it and how containers start there. */
export interface GpuNode {
  readonly name: string;
  /** The in-process simulated host of `npm start` without configured nodes; shown as such everywhere. */
  readonly simulated: boolean;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly executor: ExecutorNode;
  /** The node's one persistent SSH connection, shared by the worker and the node probes. */
  readonly connection: SshConnection;
}

/** Every GPU node of this process, by configuration order. */
export interface GpuNodes {
  list(): readonly GpuNode[];
  get(name: string): GpuNode | undefined;
  close(): Promise<void>;
}

export const GPU_NODES = Symbol('GPU_NODES');

/** A node from its `[[gpu.nodes]]` table; the passphrase and known_hosts are read now, so a bad node fails start-up by name. */
export function configuredNode(config: GpuNodeConfig, env: NodeJS.ProcessEnv, logger?: SshLogger): GpuNode {
  const ssh = toSshNodeConfig(config, env);
  const gpus = config.gpuCount !== undefined ? { count: config.gpuCount } : config.gpuDevices !== undefined ? { devices: [...config.gpuDevices] } : 'all';
  const executor: ExecutorNode = { remoteDir: config.remoteDir, image: config.image, gpus, sudo: config.sudo, dockerArgs: [...config.dockerArgs] };
  return gpuNode(ssh, executor, false, logger);
}

export function gpuNode(ssh: SshNodeConfig, executor: ExecutorNode, simulated: boolean, logger?: SshLogger): GpuNode {
  return {
    name: ssh.name,
    simulated,
    host: ssh.host,
    port: ssh.port ?? 22,
    user: ssh.user,
    executor,
    connection: new SshConnection(ssh, logger === undefined ? {} : { logger }),
  };
}

/** The registry over a fixed list; `stopExtra` ends what came with the nodes (the simulated host). */
export function gpuNodeList(nodes: readonly GpuNode[], stopExtra: () => Promise<void> = async () => undefined): GpuNodes {
  const byName = new Map(nodes.map((node) => [node.name, node]));
  let closing: Promise<void> | null = null;
  return {
    list: () => nodes,
    get: (name) => byName.get(name),
    // Both the worker (to let go of its jobs) and the module (last) close it; once is enough.
    close: () =>
      (closing ??= (async () => {
        await Promise.all(nodes.map((node) => node.connection.close()));
        await stopExtra();
      })()),
  };
}
