import { CliError, EXIT } from '../client/cli-error.js';
import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { oneLine, table } from '../output/table.js';
import { createdWithin, oneOf, wholeNumber } from './options.js';

const CELL = 60;
const PROMPT_ROW = 'id name text modelType enhanced createdAt statistics { totalRuns activeRuns averageRating }';

interface PromptRow {
  readonly id: string;
  readonly name: string;
  readonly text: string;
  readonly modelType: string;
  readonly enhanced: boolean;
  readonly createdAt: string;
  readonly statistics: { readonly totalRuns: number; readonly activeRuns: number; readonly averageRating: number | null };
}

interface Match {
  readonly field: string;
  readonly start: number;
  readonly end: number;
}

export async function createPrompt(ctx: CommandContext, text: string, videoDir: string, options: { name?: string; negative?: string; model?: string }): Promise<void> {
  const input = { text, videoDir, name: options.name, negativePrompt: options.negative, modelType: options.model };
  const { createPrompt: answer } = await ctx.client.query<{ createPrompt: Typed }>(
    `mutation($input: CreatePromptInput!) { createPrompt(input: $input) { __typename ... on PromptCreated { prompt { ${PROMPT_ROW} inputs { videoDir } } } ... on UserError { code message } ... on InvalidInput { fields { field problem } } } }`,
    { input },
  );
  const { prompt } = resultOf<Typed & { prompt: PromptRow & { inputs: { videoDir: string } } }>(answer, 'PromptCreated');
  if (ctx.out.json) return ctx.out.document(prompt);
  ctx.out.line(prompt.id);
  ctx.out.note(`created prompt ${prompt.name} from ${prompt.inputs.videoDir}`);
}

export interface ListPromptsOptions {
  model?: string;
  enhanced?: boolean;
  runs?: string;
  since?: string;
  limit?: string;
}

export async function listPrompts(ctx: CommandContext, options: ListPromptsOptions): Promise<void> {
  const runs = oneOf('--runs', options.runs, ['has', 'none', 'all'] as const);
  const filter = {
    modelType: options.model,
    enhanced: options.enhanced,
    runs: runs === undefined ? undefined : runs === 'has' ? 'some' : runs,
    createdWithin: createdWithin(options.since),
  };
  await promptPage(ctx, filter, wholeNumber('--limit', options.limit, 1, 200) ?? 50);
}

export async function search(ctx: CommandContext, query: string, options: { limit?: string }): Promise<void> {
  if (query.trim() === '') throw new CliError(EXIT.usage, 'the search query is empty: say what to look for');
  await promptPage(ctx, { text: query }, wholeNumber('--limit', options.limit, 1, 200) ?? 20, query);
}

async function promptPage(ctx: CommandContext, filter: Record<string, unknown>, first: number, highlight?: string): Promise<void> {
  const { prompts } = await ctx.client.query<{ prompts: { totalCount: number; edges: { node: PromptRow; matches: Match[] }[] } }>(
    `query($filter: PromptFilterInput, $first: Int) { prompts(filter: $filter, first: $first) { totalCount edges { node { ${PROMPT_ROW} } matches { field start end } } } }`,
    { filter, first },
  );
  if (ctx.out.json) {
    for (const { node, matches } of prompts.edges) ctx.out.record(highlight === undefined ? node : { ...node, matches });
    return;
  }
  const bold = ctx.out.stdoutIsTty && highlight !== undefined ? ctx.out.colors.bold : null;
  // Cut before marking, so a cut never splits a colour code.
  const mark = (value: string, matches: readonly Match[], field: string) => {
    const shown = oneLine(value, CELL);
    return bold === null ? shown : highlighted(shown, matches.filter((m) => m.field === field && m.end <= shown.length), bold);
  };
  const rows = prompts.edges.map(({ node, matches }) => [node.id, mark(node.name, matches, 'name'), mark(node.text, matches, 'text'), node.modelType, node.enhanced ? 'yes' : '', node.statistics.totalRuns, node.createdAt.slice(0, 16).replace('T', ' ')]);
  ctx.out.line(table(['id', 'name', 'text', 'model', 'enhanced', 'runs', 'created'], rows, Number.POSITIVE_INFINITY));
  ctx.out.note(`${prompts.edges.length} of ${prompts.totalCount} prompt(s)`);
}

/** The matched spans in bold: the service answers where each match is. */
export function highlighted(text: string, matches: readonly Match[], bold: (s: string) => string): string {
  let out = '';
  let at = 0;
  for (const { start, end } of [...matches].sort((a, b) => a.start - b.start)) {
    if (start < at) continue;
    out += text.slice(at, start) + bold(text.slice(start, end));
    at = end;
  }
  return out + text.slice(at);
}
