import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';

interface Projection {
  readonly name: string;
  readonly state: string;
  readonly caughtUp: boolean;
  readonly checkpoint: string | null;
  readonly head: string;
  readonly lag: string;
  readonly lastError: string | null;
}

export async function projectionsStatus(ctx: CommandContext): Promise<void> {
  const { projections } = await ctx.client.query<{ projections: Projection[] }>(`{ projections { name state caughtUp checkpoint head lag lastError } }`);
  if (ctx.out.json) {
    for (const projection of projections) ctx.out.record(projection);
    return;
  }
  ctx.out.line(table(['projection', 'state', 'caught up', 'checkpoint', 'head', 'lag', 'last error'], projections.map((p) => [p.name, p.state, p.caughtUp ? 'yes' : 'no', p.checkpoint, p.head, p.lag, p.lastError])));
}

/** Rebuilds a read model blue/green from the whole log; the live one keeps answering until the new one swaps in. */
export async function rebuild(ctx: CommandContext, name: string): Promise<void> {
  const { rebuildProjection } = await ctx.client.query<{ rebuildProjection: Typed }>(
    `mutation($input: RebuildProjectionInput!) { rebuildProjection(input: $input) { __typename ... on UserError { code message } ... on InvalidInput { fields { field problem } } } }`,
    { input: { name } },
  );
  resultOf(rebuildProjection, 'RebuildStarted');
  if (ctx.out.json) return ctx.out.document({ name, rebuild: 'started' });
  ctx.out.line(`rebuilding ${name}; follow it with \`cosmos projections\``);
}
