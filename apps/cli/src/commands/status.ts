import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';
import { printQueue } from './queue.js';

const NODES = `name host port reachable simulated sshError dockerOk dockerVersion dockerError driverVersion cudaVersion gpuError checkedAt
  gpus { index name utilizationPercent memoryUsedMiB memoryTotalMiB temperatureC }
  containers { name jobId status runningForSeconds }`;

interface NodeStatus {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly reachable: boolean;
  readonly simulated: boolean;
  readonly sshError: string | null;
  readonly dockerOk: boolean;
  readonly dockerVersion: string | null;
  readonly dockerError: string | null;
  readonly driverVersion: string | null;
  readonly cudaVersion: string | null;
  readonly gpuError: string | null;
  readonly gpus: readonly { index: number; name: string; utilizationPercent: number; memoryUsedMiB: number; memoryTotalMiB: number; temperatureC: number | null }[];
  readonly containers: readonly { name: string; jobId: string; status: string; runningForSeconds: number | null }[];
}

/** The queue, what runs where, and each node in one line; --stream follows a run's log instead. */
export async function status(ctx: CommandContext, options: { stream?: string | true } = {}): Promise<void> {
  if (options.stream !== undefined) return streamRun(ctx, options.stream === true ? null : options.stream);
  const data = await ctx.client.query<{ queue: Parameters<typeof printQueue>[1]; gpuNodes: NodeStatus[] }>(`{ queue {
    paused pausedBy pausedAt pauseReason revision
    items { position etaSeconds job { id kind priority queuedAt queuedBy runIds waitingFor } }
    running { elapsedSeconds job { id kind node stage percent runIds } } }
    gpuNodes { ${NODES} } }`);
  if (ctx.out.json) return ctx.out.document(data);
  printQueue(ctx, data.queue);
  printNodes(ctx, data.gpuNodes);
}

/** The named run's log live, or (without a run id) the first running job's first run. */
async function streamRun(ctx: CommandContext, runId: string | null): Promise<void> {
  let id = runId;
  if (id === null) {
    const { queue } = await ctx.client.query<{ queue: { running: { job: { id: string; runIds: string[] } }[] } }>(`{ queue { running { job { id runIds } } } }`);
    id = queue.running[0]?.job.runIds[0] ?? null;
    if (id === null) throw new CliError(EXIT.notFound, 'nothing is running to stream; name a run: cosmos status --stream RUN_ID');
    ctx.out.note(`streaming ${id} of job ${queue.running[0]!.job.id}`);
  }
  const { logs } = await import('./logs.js');
  await logs(ctx, id, { follow: true });
}

/** GPU nodes side by side: reachability, Docker, driver, each GPU's load and our containers. */
export async function nodes(ctx: CommandContext): Promise<void> {
  const { gpuNodes } = await ctx.client.query<{ gpuNodes: NodeStatus[] }>(`{ gpuNodes { ${NODES} } }`);
  if (ctx.out.json) {
    for (const node of gpuNodes) ctx.out.record(node);
    return;
  }
  printNodes(ctx, gpuNodes);
}

function printNodes(ctx: CommandContext, gpuNodes: readonly NodeStatus[]): void {
  if (gpuNodes.length === 0) return ctx.out.line('no GPU node configured');
  const rows = gpuNodes.map((node) => [
    `${node.name}${node.simulated ? ' (simulated)' : ''}`,
    `${node.host}:${node.port}`,
    node.reachable ? 'yes' : `no: ${node.sshError ?? '?'}`,
    node.dockerOk ? (node.dockerVersion ?? 'ok') : `no: ${node.dockerError ?? '?'}`,
    node.gpuError ?? `${node.driverVersion ?? '?'} / CUDA ${node.cudaVersion ?? '?'}`,
    node.gpus.map((gpu) => `#${gpu.index} ${gpu.utilizationPercent}% ${gpu.memoryUsedMiB}/${gpu.memoryTotalMiB} MiB`).join(', '),
    node.containers.map((container) => `${container.jobId} ${container.status}`).join(', '),
  ]);
  ctx.out.line(table(['node', 'address', 'reachable', 'docker', 'driver', 'gpus', 'our containers'], rows));
}
