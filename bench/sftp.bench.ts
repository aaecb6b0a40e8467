import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { startSimulatedNode } from '../libs/gpu-sim/src/index.js';
import { SshConnection, type SshNodeConfig, upload } from '../libs/gpu/src/index.js';
import { SSHD_PATH, startOpenSshServer } from '../libs/testing/src/hosts/index.js';
import { rawSftp } from './raw-sftp.js';
import { millisecondsSince, percentile, round } from './samples.js';

const MIB = 1024 * 1024;
const SIZES_MIB = [8, 64] as const;
const REPETITIONS = 3;

interface LocalFile {
  readonly mib: number;
  readonly path: string;
}

interface Server {
  readonly description: string;
  readonly ssh: SshNodeConfig;
  stop(): Promise<void>;
}

/**
 * Our upload (`.part`, size check, rename, progress callbacks) beside a bare ssh2 fastPut of the
 * same file over the same connection and SFTP session, both at ssh2's default 64 requests in flight.
 */
export async function benchSftp(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-sftp-bench-'));
  try {
    const files = SIZES_MIB.map((mib): LocalFile => {
      const path = join(dir, `random-${mib}MiB.bin`);
      writeFileSync(path, randomBytes(mib * MIB));
      return { mib, path };
    });
    const simulated = await startSimulatedNode({ name: 'bench-sftp', dir: join(dir, 'simulated') });
    const simulatedServer: Server = {
      // Server and client share one event loop here, so both sides' CPU lands on one core.
      description: 'simulated GPU host: in-process ssh2 server, same event loop as the client',
      ssh: simulated.ssh,
      stop: () => simulated.stop(),
    };
    return {
      repetitions: REPETITIONS,
      simulatedNode: await measureOn(simulatedServer, files),
      openSsh: existsSync(SSHD_PATH) ? await measureOn(await openSsh(), files) : { skipped: `no ${SSHD_PATH} on this machine` },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function openSsh(): Promise<Server> {
  const server = await startOpenSshServer();
  return {
    description: `OpenSSH sshd (internal-sftp) on ${server.host}`,
    ssh: server.nodeConfig('bench-openssh', join(server.dir, 'remote')),
    stop: () => server.dispose(),
  };
}

async function measureOn(server: Server, files: readonly LocalFile[]): Promise<Record<string, unknown>> {
  const connection = new SshConnection(server.ssh);
  try {
    // Connecting, opening the SFTP session and creating the folder are not part of any figure.
    await upload(connection, files[0]!.path, 'bench/warm-up.bin');
    const bare = rawSftp(await connection.sftp());
    const sizes = [];
    for (const file of files) {
      const ours: number[] = [];
      const raw: number[] = [];
      const runOurs = async () => ours.push(await mebibytesPerSecond(file, () => upload(connection, file.path, `bench/ours-${file.mib}.bin`, { onProgress: () => undefined })));
      const runRaw = async () => raw.push(await mebibytesPerSecond(file, () => bare.fastPut(file.path, posix.join(connection.node.remoteDir, `bench/raw-${file.mib}.bin`))));
      // Alternating which goes first, so a drift in the machine's load falls on both alike.
      for (let rep = 0; rep < REPETITIONS; rep++) {
        for (const run of rep % 2 === 0 ? [runOurs, runRaw] : [runRaw, runOurs]) await run();
      }
      const oursMedian = percentile(ours, 0.5);
      const rawMedian = percentile(raw, 0.5);
      sizes.push({
        sizeMiB: file.mib,
        oursUploadMiBps: { median: oursMedian, samples: ours },
        rawFastPutMiBps: { median: rawMedian, samples: raw },
        oursOverRaw: round(oursMedian / rawMedian, 3),
      });
    }
    return { server: server.description, sizes };
  } finally {
    await connection.close();
    await server.stop();
  }
}

async function mebibytesPerSecond(file: LocalFile, transfer: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await transfer();
  return round(file.mib / (millisecondsSince(started) / 1000));
}
