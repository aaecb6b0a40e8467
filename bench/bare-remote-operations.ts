import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { CONTAINER_ROOT, ids, jobContainerName } from '../libs/domain/src/index.js';
import { startSimulatedNode, type SimulatedNode } from '../libs/gpu-sim/src/index.js';
import { dockerInspect, dockerRemove, dockerRun, dockerWait, type ExecResult, SshConnection, upload } from '../libs/gpu/src/index.js';
import { rawSftp } from './raw-sftp.js';
import { millisecondsSince, spread, timings } from './samples.js';

const TIMEOUT_MS = 30_000;
/** What a transfer run leaves besides its video (the simulated model's set for one inference). */
const OUTPUT_VIDEOS = ['output.mp4', 'vis_input_control_0.mp4', 'edge_input_control_0.mp4', 'depth_input_control_0.mp4', 'seg_input_control_0.mp4'];

/**
 * The remote work of one inference job done bare, through one SshConnection with plain ssh2 SFTP,
 * on a simulated node of its own: no event store, no read models, no progress, no checks. A launch
 * is what the worker does between claim and the 'running' stage (container lookup, the run's
 * folders, the input video and its spec, `docker run --detach`); a collect is what it does between
 * 'downloading' and success (list the outputs, fetch each, remove the container).
 */
export async function benchBareRemoteOperations(inputVideo: string, iterations: number): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'cosmos-bare-ops-'));
  let node: SimulatedNode | null = null;
  let connection: SshConnection | null = null;
  try {
    node = await startSimulatedNode({ name: 'bench-bare', dir: join(dir, 'node') });
    const { executor } = node;
    connection = new SshConnection(node.ssh);
    const ssh = connection;
    const exec = async (argv: string[], expectExit = 0): Promise<ExecResult> => {
      const result = await ssh.exec(argv, { timeoutMs: TIMEOUT_MS });
      if (result.exitCode !== expectExit) throw new Error(`${argv.slice(0, 2).join(' ')} exited ${result.exitCode}: ${result.stderr.trim()}`);
      return result;
    };
    const sftp = rawSftp(await connection.sftp());
    const remote = (path: string): string => posix.join(executor.remoteDir, path);
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ padding: 'x'.repeat(800) }));
    await sftp.mkdir(remote('runs'));
    await sftp.mkdir(remote('outputs'));
    for (const name of OUTPUT_VIDEOS) await sftp.fastPut(inputVideo, remote(`outputs/${name}`));
    await sftp.fastPut(spec, remote('outputs/output.txt'));
    const fetched = join(dir, 'fetched');
    mkdirSync(fetched);

    const missing = jobContainerName('inference', ids.job(), 1);
    const singleOperations = {
      dockerInspectExec: spread(await timings(iterations, () => exec(dockerInspect(missing, '{{.State.Status}}'), 1))),
      rawFastPutInputVideo: spread(await timings(iterations, () => sftp.fastPut(inputVideo, remote('put.mp4')))),
      oursUploadInputVideo: spread(await timings(iterations, () => upload(ssh, inputVideo, 'put-ours.mp4'))),
    };

    const launches: number[] = [];
    const collects: number[] = [];
    // Iteration -1 warms up, as in `timings`.
    for (let i = -1; i < iterations; i++) {
      const jobId = ids.job();
      const runId = ids.run();
      const name = jobContainerName('inference', jobId, 1);
      let started = process.hrtime.bigint();
      await exec(dockerInspect(name, '{{.State.Status}}'), 1);
      await sftp.mkdir(remote(`runs/${runId}`));
      await sftp.mkdir(remote(`runs/${runId}/inputs`));
      await sftp.fastPut(inputVideo, remote(`runs/${runId}/inputs/color.mp4`));
      await sftp.fastPut(spec, remote(`runs/${runId}/spec.json`));
      const labels = { job: jobId, kind: 'inference', runs: [runId] };
      const volumes = [{ host: executor.remoteDir, container: CONTAINER_ROOT }];
      await exec(dockerRun({ name, labels, image: executor.image, gpus: executor.gpus, volumes, workdir: CONTAINER_ROOT, extraArgs: executor.dockerArgs, command: ['true'], detached: true }));
      if (i >= 0) launches.push(millisecondsSince(started));
      await exec(dockerWait(name));
      started = process.hrtime.bigint();
      for (const entry of await sftp.readdir(remote('outputs'))) await sftp.fastGet(remote(`outputs/${entry.filename}`), join(fetched, entry.filename));
      await exec(dockerRemove(name));
      if (i >= 0) collects.push(millisecondsSince(started));
    }
    return { iterations, ms: { ...singleOperations, bareLaunch: spread(launches), bareCollect: spread(collects) } };
  } finally {
    await connection?.close();
    await node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
