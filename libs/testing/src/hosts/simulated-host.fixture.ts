import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIMULATED_REMOTE_DIR, type SimulatedBehaviour, startSimulatedNode } from '../../../gpu-sim/src/index.js';
import { dockerPs, type ExecutorNode, SshConnection } from '../../../gpu/src/index.js';

export const REMOTE_DIR = SIMULATED_REMOTE_DIR;
export const NODE: ExecutorNode = { remoteDir: REMOTE_DIR, image: 'cosmos-transfer1:latest', gpus: { count: 1 }, sudo: false, dockerArgs: ['--ipc=host'] };

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
  const node = await startSimulatedNode({ name: 'sim-gpu', dir: work });
  const connection = new SshConnection({ ...node.ssh, reconnect: { maxAttempts: 1 } });
  return {
    root: node.root,
    inputsRoot: join(work, 'inputs'),
    outputsRoot: join(work, 'outputs'),
    behaviour: node.behaviour,
    connection,
    async containersOfJob(jobId) {
      const listed = await connection.exec(dockerPs({ labelFilter: { 'cosmos.job': jobId } }), { timeoutMs: 10_000 });
      return listed.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { Names: string }).Names);
    },
    async stop() {
      await connection.close();
      await node.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
