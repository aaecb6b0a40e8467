import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type SimulatedBehaviour, type SimulatedNode, startSimulatedNode } from '../../../gpu-sim/src/index.js';

/**
 * A simulated GPU node owned by the test, not by the Cosmos process: it outlives restarts of the
 * service (its containers keep running, as on a real host), and the test steers its behaviour.
 * `toml` is the `[[gpu.nodes]]` table that points the service at it.
 */
export interface TestGpuNode {
  readonly node: SimulatedNode;
  readonly behaviour: SimulatedBehaviour;
  readonly toml: string;
  stop(): Promise<void>;
}

export async function startTestGpuNode(name = 'gpu-a', behaviour: Partial<SimulatedBehaviour> = {}): Promise<TestGpuNode> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-test-node-'));
  const node = await startSimulatedNode({ name, dir, behaviour });
  const { ssh, executor } = node;
  const toml = [
    '[[gpu.nodes]]',
    `name = ${JSON.stringify(name)}`,
    `host = ${JSON.stringify(ssh.host)}`,
    `port = ${ssh.port}`,
    `user = ${JSON.stringify(ssh.user)}`,
    `private_key_path = ${JSON.stringify(ssh.privateKeyPath)}`,
    `host_key_fingerprint = ${JSON.stringify(ssh.hostKeyFingerprint)}`,
    `remote_dir = ${JSON.stringify(executor.remoteDir)}`,
    `image = ${JSON.stringify(executor.image)}`,
    // No gpu_devices or gpu_count: the worker takes every GPU the node's nvidia-smi reports.
    '',
  ].join('\n');
  return {
    node,
    behaviour: node.behaviour,
    toml,
    async stop() {
      await node.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
