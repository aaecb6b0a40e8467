import { CliError, EXIT } from '../client/cli-error.js';
import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';
import { confirmed } from './confirm.js';

const CONTAINER = 'name jobId status runningForSeconds';

/** What killContainers answers without confirm: what it would kill. */
interface Preview {
  readonly containers: readonly { readonly name: string; readonly jobId: string; readonly status: string }[];
  readonly jobIds: readonly string[];
}

/**
 * The kill switch: our containers on a node (or every node) are stopped and their jobs fail
 * KILLED. First the service answers what it would kill (confirm: false), then, once confirmed, kills.
 */
export async function kill(ctx: CommandContext, options: { node?: string; force?: boolean }): Promise<void> {
  const nodes = options.node === undefined ? (await ctx.client.query<{ gpuNodes: { name: string }[] }>(`{ gpuNodes { name } }`)).gpuNodes.map((node) => node.name) : [options.node];
  if (nodes.length === 0) throw new CliError(EXIT.notFound, 'no GPU node is configured');
  const previews: (Preview & { node: string })[] = [];
  for (const node of nodes) previews.push({ node, ...resultOf<Typed & Preview>(await killContainers(ctx, node, false), 'KillNotConfirmed') });
  const containers = previews.flatMap((preview) => preview.containers.map((container) => [preview.node, container.name, container.jobId, container.status]));
  if (containers.length === 0) return ctx.out.json ? ctx.out.document({ killed: [] }) : ctx.out.line('no container of ours runs on ' + nodes.join(', '));
  if (ctx.out.interactive) ctx.out.note(table(['node', 'container', 'job', 'status'], containers));
  ctx.out.note(`this kills ${containers.length} container(s); their jobs fail KILLED`);
  await confirmed(ctx, 'KILL', options.force);
  const killed: Record<string, unknown>[] = [];
  for (const { node } of previews) {
    const done = resultOf<Typed & { killed: { name: string }[]; jobIds: string[]; failures: { name: string; message: string }[] }>(await killContainers(ctx, node, true), 'ContainersKilled');
    killed.push({ node, killed: done.killed.map((container) => container.name), jobIds: done.jobIds, failures: done.failures });
    if (!ctx.out.json) {
      for (const container of done.killed) ctx.out.line(`${node} killed ${container.name}`);
      for (const failure of done.failures) ctx.out.warn(`${node} could not kill ${failure.name}: ${failure.message}`);
    }
  }
  if (ctx.out.json) ctx.out.document({ nodes: killed });
}

async function killContainers(ctx: CommandContext, node: string, confirm: boolean): Promise<Typed> {
  const { killContainers: answer } = await ctx.client.query<{ killContainers: Typed }>(
    `mutation($node: String!, $confirm: Boolean!) { killContainers(node: $node, confirm: $confirm) { __typename
      ... on KillNotConfirmed { containers { ${CONTAINER} } jobIds }
      ... on ContainersKilled { killed { ${CONTAINER} } jobIds failures { name message } }
      ... on UserError { code message } ... on InvalidInput { fields { field problem } } } }`,
    { node, confirm },
  );
  return answer;
}
