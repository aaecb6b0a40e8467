import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorNode, SshNodeConfig } from '../../gpu/src/index.js';
import { HostPorts } from './host-ports.js';
import { createSimulatedBehaviour, DEFAULT_IMAGE, type SimulatedBehaviour } from './simulated-behaviour.js';
import { simulatedGpuPrograms } from './simulated-gpu.programs.js';
import { generateEd25519KeyPair } from './ssh-key-pair.js';
import { startSimulatedSshServer } from './simulated-ssh-server.js';

/** Where the simulated host keeps our files, as a real node's `remote_dir` would. */
export const SIMULATED_REMOTE_DIR = '/srv/cosmos';

export interface SimulatedNode {
  /** How to reach it: 127.0.0.1, a fresh key pair, the host key pinned. */
  readonly ssh: SshNodeConfig;
  readonly executor: ExecutorNode;
  /** Its knobs (model outcome, duration), shared with every stand-in. */
  readonly behaviour: SimulatedBehaviour;
  /** The host's filesystem root. */
  readonly root: string;
  /** Cuts every SSH connection; the host and its containers stay up. */
  dropConnections(): void;
  stop(): Promise<void>;
}

export interface SimulatedNodeOptions {
  readonly name: string;
  /** Holds the host's filesystem (`host/`) and the client key; kept across stops. */
  readonly dir: string;
  readonly behaviour?: Partial<SimulatedBehaviour>;
}

/**
 * A whole simulated GPU node on loopback: the SSH server with every stand-in, reached over real
 * SSH with a pinned host key like any configured node. Its containers live in this process, so
 * they end with it (a restarted service finds them missing, as after a host reboot).
 */
export async function startSimulatedNode(options: SimulatedNodeOptions): Promise<SimulatedNode> {
  const root = join(options.dir, 'host');
  mkdirSync(join(root, SIMULATED_REMOTE_DIR), { recursive: true });
  const key = generateEd25519KeyPair();
  const privateKeyPath = join(options.dir, 'client_ed25519');
  writeFileSync(privateKeyPath, key.private, { mode: 0o600 });
  const behaviour = createSimulatedBehaviour(options.behaviour);
  const ports = new HostPorts();
  const programs = simulatedGpuPrograms(behaviour, ports);
  const server = await startSimulatedSshServer({ root, authorizedKeys: [key.public], programs, ports });
  return {
    ssh: {
      name: options.name,
      host: server.host,
      port: server.port,
      user: 'cosmos',
      privateKeyPath,
      hostKeyFingerprint: `SHA256:${server.hostKeyFingerprint}`,
      remoteDir: SIMULATED_REMOTE_DIR,
      reconnect: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 500 },
    },
    // Every GPU its nvidia-smi reports, found when the worker connects, as on a node configuring none.
    executor: { remoteDir: SIMULATED_REMOTE_DIR, image: DEFAULT_IMAGE, gpus: 'all', sudo: false, dockerArgs: ['--ipc=host'] },
    behaviour,
    root,
    dropConnections: () => server.dropConnections(),
    async stop() {
      await programs.docker.shutdown();
      await server.stop();
    },
  };
}
