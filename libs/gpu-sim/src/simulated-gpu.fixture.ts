/**
 * Test-only: the simulated GPU host with every stand-in, a connected client, and helpers that
 * send the exact argv libs/gpu builds.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { shellCommand } from '../../gpu/src/index.js';
import { createSimulatedBehaviour, type SimulatedBehaviour } from './simulated-behaviour.js';
import { simulatedGpuPrograms, type SimulatedGpuPrograms } from './simulated-gpu.programs.js';
import { startSimulatedSshServer, type SimulatedSshServer } from './simulated-ssh-server.js';
import { connect, newClientKey, openSftp, run, type ExecResult } from './ssh-client.fixture.js';

export interface SimulatedGpuHost {
  readonly root: string;
  readonly behaviour: SimulatedBehaviour;
  readonly programs: SimulatedGpuPrograms;
  readonly client: Client;
  readonly sftp: SFTPWrapper;
  exec(argv: readonly string[]): Promise<ExecResult>;
  stop(): Promise<void>;
}

export async function startSimulatedGpuHost(behaviour: SimulatedBehaviour = createSimulatedBehaviour()): Promise<SimulatedGpuHost> {
  const dir = mkdtempSync(join(tmpdir(), 'gpu-sim-host-'));
  const root = join(dir, 'host');
  mkdirSync(root);
  const key = newClientKey();
  const programs = simulatedGpuPrograms(behaviour);
  const server: SimulatedSshServer = await startSimulatedSshServer({ root, authorizedKeys: [key.publicKey], programs });
  const client = await connect(server, { privateKey: key.privateKey });
  const sftp = await openSftp(client);
  return {
    root,
    behaviour,
    programs,
    client,
    sftp,
    exec: (argv) => run(client, shellCommand(argv)),
    async stop() {
      client.end();
      await programs.docker.shutdown();
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
