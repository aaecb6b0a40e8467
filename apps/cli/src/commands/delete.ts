import { CliError, EXIT } from '../client/cli-error.js';
import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { confirmed } from './confirm.js';

const USER_ERROR = '... on UserError { code message } ... on InvalidInput { fields { field problem } }';

interface Preview {
  readonly promptCount: number;
  readonly runCount: number;
  readonly activeRunIds: readonly string[];
  readonly blocked: boolean;
  readonly kept: string;
  readonly outputs: { readonly totalFiles: number; readonly totalSize: string };
}

/** `delete prompt|run (ID | --all)`: the preview first, then the confirmation (or --force), then the deletion. */
export async function remove(ctx: CommandContext, what: string, id: string | undefined, options: { all?: boolean; deleteOutputs?: boolean; force?: boolean }): Promise<void> {
  if (what !== 'prompt' && what !== 'run') throw new CliError(EXIT.usage, `delete what? "prompt" or "run" (got ${JSON.stringify(what)})`);
  if ((id === undefined) === (options.all !== true)) throw new CliError(EXIT.usage, `name one ${what} id, or --all`);
  const deleteOutputs = options.deleteOutputs === true;
  const target = options.all ? (what === 'prompt' ? { allPrompts: true } : { allRuns: true }) : what === 'prompt' ? { promptId: id } : { runId: id };
  const { deletionPreview: preview } = await ctx.client.query<{ deletionPreview: Preview }>(
    `query($target: DeletionTargetInput!, $deleteOutputs: Boolean!) { deletionPreview(target: $target, deleteOutputs: $deleteOutputs) { promptCount runCount activeRunIds blocked kept outputs { totalFiles totalSize } } }`,
    { target, deleteOutputs },
  );
  const files = deleteOutputs ? `${preview.outputs.totalFiles} output file(s), ${preview.outputs.totalSize}` : `no files (${preview.kept})`;
  const active = preview.activeRunIds.length > 0 ? `; ${preview.activeRunIds.length} active run(s) ${options.all ? 'are skipped' : 'block it'}: ${preview.activeRunIds.join(', ')}` : '';
  ctx.out.note(`this deletes ${preview.promptCount} prompt(s), ${preview.runCount} run(s) and ${files}${active}`);
  if (preview.blocked && !options.all) throw new CliError(EXIT.conflict, `refused: active runs block it (${preview.activeRunIds.join(', ')}); cancel their jobs first`);
  const word = options.all ? 'DELETE ALL' : 'delete';
  await confirmed(ctx, word, options.force);
  if (options.all) return deleteAll(ctx, what, deleteOutputs);
  const mutation = what === 'prompt' ? 'deletePrompt' : 'deleteRun';
  const inputType = what === 'prompt' ? 'DeletePromptInput' : 'DeleteRunInput';
  const input = what === 'prompt' ? { promptId: id, deleteOutputs } : { runId: id, deleteOutputs };
  const deletedFields = what === 'prompt' ? '... on PromptDeleted { promptId runIds deletedFiles deletedBytes }' : '... on RunDeleted { runId deletedFiles deletedBytes }';
  const data = await ctx.client.query<Record<string, Typed>>(`mutation($input: ${inputType}!) { ${mutation}(input: $input) { __typename ${deletedFields} ${USER_ERROR} } }`, { input });
  const deleted = resultOf<Typed & { deletedFiles: number; runIds?: string[] }>(data[mutation]!, 'PromptDeleted', 'RunDeleted');
  const { __typename: _, ...shown } = deleted;
  if (ctx.out.json) return ctx.out.document(shown);
  ctx.out.line(`deleted ${what} ${id}${deleted.runIds ? ` with ${deleted.runIds.length} run(s)` : ''}; ${deleted.deletedFiles} file(s) removed`);
}

async function deleteAll(ctx: CommandContext, what: 'prompt' | 'run', deleteOutputs: boolean): Promise<void> {
  const mutation = what === 'prompt' ? 'deleteAllPrompts' : 'deleteAllRuns';
  const data = await ctx.client.query<Record<string, Typed>>(
    `mutation($input: DeleteAllInput!) { ${mutation}(input: $input) { __typename ... on BulkDeleted { promptIds runIds deletedFiles deletedBytes skipped { id reason } } ${USER_ERROR} } }`,
    { input: { confirm: 'DELETE ALL', deleteOutputs } },
  );
  const bulk = resultOf<Typed & { promptIds: string[]; runIds: string[]; deletedFiles: number; skipped: { id: string; reason: string }[] }>(data[mutation]!, 'BulkDeleted');
  const { __typename: _, ...shown } = bulk;
  if (ctx.out.json) return ctx.out.document(shown);
  ctx.out.line(`deleted ${bulk.promptIds.length} prompt(s) and ${bulk.runIds.length} run(s); ${bulk.deletedFiles} file(s) removed`);
  for (const skipped of bulk.skipped) ctx.out.line(`kept ${skipped.id}: ${skipped.reason}`);
}
