import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedBehaviour, DEFAULT_IMAGE, type DockerSocketDaemon, type SimulatedBehaviour, simulatedGpuPrograms, startDockerSocketDaemon } from '../../../gpu-sim/src/index.js';
import { type ExecutorNode, SshConnection } from '../../../gpu/src/index.js';
import { startOpenSshServer, type OpenSshServer } from './openssh-server.js';

/**
 * A GPU host for executor specs behind a real OpenSSH sshd on 127.0.0.1: SFTP, the login shell and
 * its rc files are OpenSSH's own, and `docker` on its PATH is the stand-in CLI of the simulated
 * docker daemon, whose containers run the gpu-sim model programs (so specs meet the model's rules).
 * The remote dir is a real folder here, the only one the daemon lets containers mount.
 */
export interface OpenSshHost {
  readonly server: OpenSshServer;
  readonly daemon: DockerSocketDaemon;
  readonly behaviour: SimulatedBehaviour;
  readonly remoteDir: string;
  readonly inputsRoot: string;
  readonly outputsRoot: string;
  readonly node: ExecutorNode;
  readonly connection: SshConnection;
  stop(): Promise<void>;
}

export async function startOpenSshHost(): Promise<OpenSshHost> {
  // Real paths: the daemon compares bind mounts with the root as the filesystem names it.
  const work = realpathSync(mkdtempSync(join(tmpdir(), 'executor-openssh-')));
  const remoteDir = join(work, 'remote');
  // The SSH login may be another user than this process (a non-root one, see openssh-server.ts).
  chmodSync(work, 0o755);
  mkdirSync(remoteDir, { mode: 0o777 });
  chmodSync(remoteDir, 0o777);
  mkdirSync(join(work, 'docker'), { mode: 0o755 });
  const behaviour = createSimulatedBehaviour();
  const programs = simulatedGpuPrograms(behaviour);
  const daemon = await startDockerSocketDaemon({ dir: join(work, 'docker'), docker: programs.docker, root: remoteDir });
  const stopDocker = async (): Promise<void> => {
    await programs.docker.shutdown();
    await daemon.close();
  };

  let server: OpenSshServer;
  try {
    // sshd applies SetEnv after its default PATH, so the stand-in comes before any real docker.
    server = await startOpenSshServer({ extraConfig: [`SetEnv PATH=${daemon.binDir}:/usr/bin:/bin`] });
  } catch (error) {
    await stopDocker();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
  // As a configured node: the host key pinned, defaults otherwise. The login is non-root where the
  // cosmos-ci user exists (CI), else whoever runs the tests; OpenSSH refuses SSH signal requests to
  // root logins (see ssh-exec.ts).
  const connection = new SshConnection(server.nodeConfig('openssh-gpu', remoteDir));
  return {
    server,
    daemon,
    behaviour,
    remoteDir,
    inputsRoot: join(work, 'inputs'),
    outputsRoot: join(work, 'outputs'),
    node: { remoteDir, image: DEFAULT_IMAGE, gpus: { count: 1 }, sudo: false, dockerArgs: ['--ipc=host'] },
    connection,
    async stop() {
      await connection.close();
      await stopDocker();
      await server.dispose();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
