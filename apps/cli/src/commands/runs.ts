import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';
import { oneOf, sinceTime, wholeNumber } from './options.js';

export const RUN_STATUSES = ['pending', 'uploading', 'running', 'downloading', 'completed', 'failed', 'cancelled'] as const;
export const RUN_KINDS = ['inference', 'upscale', 'enhance'] as const;

const RUN_ROW = 'id promptId jobId kind status rating node requestedAt durationSeconds failure { reason message }';

interface RunRow {
  readonly id: string;
  readonly promptId: string;
  readonly jobId: string;
  readonly kind: string;
  readonly status: string;
  readonly rating: number | null;
  readonly node: string | null;
  readonly requestedAt: string;
  readonly durationSeconds: number | null;
  readonly failure: { readonly reason: string; readonly message: string } | null;
}

export interface ListRunsOptions {
  status?: string;
  prompt?: string;
  kind?: string;
  rating?: string;
  upscaled?: boolean;
  since?: string;
  limit?: string;
}

export async function listRuns(ctx: CommandContext, options: ListRunsOptions): Promise<void> {
  const status = oneOf('--status', options.status, RUN_STATUSES);
  const kind = oneOf('--kind', options.kind, RUN_KINDS);
  const filter = {
    statuses: status && [status],
    kinds: kind && [kind],
    promptIds: options.prompt && [options.prompt],
    rating: ratingFilter(options.rating),
    upscaled: options.upscaled,
    createdAfter: sinceTime(options.since),
  };
  const first = wholeNumber('--limit', options.limit, 1, 200) ?? 50;
  const { runs } = await ctx.client.query<{ runs: { totalCount: number; edges: { node: RunRow }[] } }>(
    `query($filter: RunFilterInput, $first: Int) { runs(filter: $filter, first: $first) { totalCount edges { node { ${RUN_ROW} } } } }`,
    { filter, first },
  );
  if (ctx.out.json) {
    for (const { node } of runs.edges) ctx.out.record(node);
    return;
  }
  const rows = runs.edges.map(({ node }) => [node.id, node.promptId, node.kind, statusText(ctx, node), node.rating === null ? '' : '★'.repeat(node.rating), node.node, node.requestedAt.slice(0, 16).replace('T', ' '), seconds(node.durationSeconds)]);
  ctx.out.line(table(['id', 'prompt', 'kind', 'status', 'rating', 'node', 'requested', 'took'], rows));
  ctx.out.note(`${runs.edges.length} of ${runs.totalCount} run(s)`);
}

export async function rate(ctx: CommandContext, runId: string, rating: string): Promise<void> {
  const stars = wholeNumber('RATING', rating, 1, 5)!;
  const { rateRun } = await ctx.client.query<{ rateRun: Typed }>(
    `mutation($input: RateRunInput!) { rateRun(input: $input) { __typename ... on RunRated { run { id rating } } ... on UserError { code message } ... on InvalidInput { fields { field problem } } } }`,
    { input: { runId, rating: stars } },
  );
  const { run } = resultOf<Typed & { run: { id: string; rating: number } | null }>(rateRun, 'RunRated');
  if (ctx.out.json) return ctx.out.document(run ?? { id: runId, rating: stars });
  ctx.out.line(`${runId} ${'★'.repeat(stars)}`);
}

/** --rating 4 (exactly), 4+ (at least), none (unrated). */
function ratingFilter(value: string | undefined): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (value === 'none') return { unrated: true };
  const atLeast = /^([1-5])\+$/.exec(value);
  if (atLeast) return { atLeast: Number(atLeast[1]) };
  return { exactly: wholeNumber('--rating', value, 1, 5) };
}

export function statusText(ctx: CommandContext, run: { status: string; failure?: { reason: string } | null }): string {
  const { colors } = ctx.out;
  if (!ctx.out.stdoutIsTty) return run.failure ? `${run.status} (${run.failure.reason})` : run.status;
  if (run.status === 'completed') return colors.green(run.status);
  if (run.status === 'failed') return colors.red(`${run.status} (${run.failure?.reason ?? '?'})`);
  if (run.status === 'cancelled') return colors.dim(run.status);
  return colors.yellow(run.status);
}

export function seconds(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (value < 60) return `${value.toFixed(1)} s`;
  return `${Math.floor(value / 60)} min ${Math.round(value % 60)} s`;
}
