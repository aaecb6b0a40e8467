import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { utils } from 'ssh2';
import { createSimulatedBehaviour, DEFAULT_IMAGE, type SimulatedBehaviour } from '../../../gpu-sim/src/simulated-behaviour.js';
import { simulatedGpuPrograms, type SimulatedGpuPrograms } from '../../../gpu-sim/src/simulated-gpu.programs.js';
import { startSimulatedSshServer, type SimulatedSshServer } from '../../../gpu-sim/src/simulated-ssh-server.js';
import { dockerPs } from '../docker-command.js';
import { SshConnection } from '../ssh-connection.js';
import type { ExecutorNode } from './container-run.js';

export const REMOTE_DIR = '/remote/cosmos-transfer1';
export const NODE: ExecutorNode = { remoteDir: REMOTE_DIR, image: DEFAULT_IMAGE, gpus: { count: 1 }, sudo: false, dockerArgs: ['--ipc=host'] };

/** A simulated GPU host reached over real SSH, with local inputs and outputs roots, for executor specs. */
export interface SimulatedHost {
  readonly root: string;
  readonly inputsRoot: string;
  readonly outputsRoot: string;
  readonly behaviour: SimulatedBehaviour;
  readonly connection: SshConnection;
  containersOfJob(jobId: string): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startSimulatedHost(): Promise<SimulatedHost> {
  const work = mkdtempSync(join(tmpdir(), 'executor-'));
  const root = join(work, 'host');
  mkdirSync(join(root, REMOTE_DIR), { recursive: true });
  const key = utils.generateKeyPairSync('ed25519');
  const privateKeyPath = join(work, 'client_ed25519');
  writeFileSync(privateKeyPath, key.private, { mode: 0o600 });
  const behaviour = createSimulatedBehaviour();
  const programs: SimulatedGpuPrograms = simulatedGpuPrograms(behaviour);
  const server: SimulatedSshServer = await startSimulatedSshServer({ root, authorizedKeys: [key.public], programs });
  const connection = new SshConnection({
    name: 'sim-gpu',
    host: server.host,
    port: server.port,
    user: 'cosmos',
    privateKeyPath,
    hostKeyFingerprint: `SHA256:${server.hostKeyFingerprint}`,
    remoteDir: REMOTE_DIR,
    reconnect: { maxAttempts: 1 },
  });
  return {
    root,
    inputsRoot: join(work, 'inputs'),
    outputsRoot: join(work, 'outputs'),
    behaviour,
    connection,
    async containersOfJob(jobId) {
      const listed = await connection.exec(dockerPs({ labelFilter: { 'cosmos.job': jobId } }), { timeoutMs: 10_000 });
      return listed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Names: string }).Names);
    },
    async stop() {
      await connection.close();
      await programs.docker.shutdown();
      await server.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
