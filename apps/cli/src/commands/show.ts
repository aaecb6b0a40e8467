import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { details, table } from '../output/table.js';
import { seconds, statusText } from './runs.js';

const LOG_TAIL_LINES = 10;
const LOG_TAIL_BYTES = 16_384;

const PROMPT = `id name text negativePrompt modelType enhanced createdAt createdBy inputs { videoDir }
  enhancedFrom { promptId runId model }
  statistics { totalRuns activeRuns averageRating ratedRuns completed { total inference upscale enhance } }
  runs { id kind status rating requestedAt durationSeconds failure { reason } }`;
const RUN = `id promptId jobId kind modelType status rating node simulated config requestedAt requestedBy startedAt finishedAt durationSeconds
  failure { reason message exitCode } cancellation { by reason } outputs { name kind sizeBytes sha256 url } logUrl sourceRunId sourceVideo enhancedText`;
const JOB = `id kind status priority attempts node containerName stage percent queuedAt queuedBy claimedAt finishedAt durationSeconds runIds
  failure { reason message exitCode } waitingFor retryOf retriedAs mergedInto mergedFrom`;

type Entity = Record<string, any> & { status: string };

/** A prompt (ps_…), a run (rs_…) or a job (job_…), by its id's shape. */
export async function show(ctx: CommandContext, id: string): Promise<void> {
  const kind = id.startsWith('ps_') ? 'prompt' : id.startsWith('rs_') ? 'run' : id.startsWith('job_') ? 'job' : null;
  if (kind === null) throw new CliError(EXIT.usage, `ID must be a prompt (ps_…), a run (rs_…) or a job (job_…) id (got ${JSON.stringify(id)})`);
  const selection = { prompt: PROMPT, run: RUN, job: JOB }[kind];
  const data = await ctx.client.query<Record<string, Entity | null>>(`query($id: String!) { ${kind}(id: $id) { ${selection} } }`, { id });
  const entity = data[kind];
  if (entity === null || entity === undefined) throw new CliError(EXIT.notFound, `no ${kind} ${id}`);
  const logTail = kind === 'run' ? await tailOf(ctx, entity.logUrl as string) : null;
  if (ctx.out.json) return ctx.out.document(logTail === null ? entity : { ...entity, logTail });
  if (kind === 'prompt') return showPrompt(ctx, entity);
  if (kind === 'run') return showRun(ctx, entity, logTail ?? []);
  return showJob(ctx, entity);
}

function showPrompt(ctx: CommandContext, prompt: Entity): void {
  const stats = prompt.statistics;
  ctx.out.line(
    details([
      ['id', prompt.id],
      ['name', prompt.name],
      ['text', prompt.text],
      ['negative prompt', prompt.negativePrompt],
      ['model', prompt.modelType],
      ['inputs', prompt.inputs.videoDir],
      ['enhanced from', prompt.enhancedFrom ? `${prompt.enhancedFrom.promptId} (run ${prompt.enhancedFrom.runId}, ${prompt.enhancedFrom.model})` : ''],
      ['created', `${prompt.createdAt} by ${prompt.createdBy}`],
      ['runs', `${stats.totalRuns} (${stats.activeRuns} active, ${stats.completed.total} completed)`],
      ['rating', stats.averageRating === null ? 'unrated' : `${stats.averageRating.toFixed(2)} from ${stats.ratedRuns} rated run(s)`],
    ]),
  );
  if (prompt.runs.length === 0) return;
  const rows = prompt.runs.map((run: Entity) => [run.id, run.kind, statusText(ctx, run), run.rating === null ? '' : '★'.repeat(run.rating), run.requestedAt.slice(0, 16).replace('T', ' '), seconds(run.durationSeconds)]);
  ctx.out.line(table(['run', 'kind', 'status', 'rating', 'requested', 'took'], rows));
}

function showRun(ctx: CommandContext, run: Entity, logTail: readonly string[]): void {
  ctx.out.line(
    details([
      ['id', run.id],
      ['prompt', run.promptId],
      ['job', run.jobId],
      ['kind', `${run.kind} (${run.modelType})`],
      ['status', statusText(ctx, run)],
      ['failure', run.failure ? `${run.failure.reason}: ${run.failure.message}${run.failure.exitCode === null ? '' : ` (exit ${run.failure.exitCode})`}` : ''],
      ['cancelled', run.cancellation ? `by ${run.cancellation.by}: ${run.cancellation.reason}` : ''],
      ['node', run.node ? `${run.node}${run.simulated ? ' (simulated)' : ''}` : ''],
      ['requested', `${run.requestedAt} by ${run.requestedBy}`],
      ['duration', seconds(run.durationSeconds)],
      ['rating', run.rating === null ? 'unrated' : '★'.repeat(run.rating)],
      ['source', run.sourceRunId ?? run.sourceVideo ?? ''],
      ['parameters', JSON.stringify(run.config)],
      ['enhanced text', run.enhancedText ?? ''],
    ]),
  );
  if (run.outputs.length > 0) ctx.out.line(table(['output', 'kind', 'bytes', 'sha256'], run.outputs.map((file: Entity) => [file.name, file.kind, file.sizeBytes, file.sha256.slice(0, 16)])));
  if (logTail.length > 0) {
    ctx.out.line(`log (last ${logTail.length} lines):`);
    for (const line of logTail) ctx.out.line(`  ${line}`);
  }
}

function showJob(ctx: CommandContext, job: Entity): void {
  ctx.out.line(
    details([
      ['id', job.id],
      ['kind', job.kind],
      ['status', job.status + (job.stage ? ` (${job.stage} ${job.percent}%)` : '')],
      ['waiting for', job.waitingFor ?? ''],
      ['failure', job.failure ? `${job.failure.reason}: ${job.failure.message}` : ''],
      ['priority', job.priority],
      ['attempts', job.attempts],
      ['node', job.node ?? ''],
      ['container', job.containerName ?? ''],
      ['queued', `${job.queuedAt} by ${job.queuedBy}`],
      ['duration', seconds(job.durationSeconds)],
      ['runs', job.runIds.join(' ')],
      ['retry of', job.retryOf ?? ''],
      ['retried as', job.retriedAs ?? ''],
      ['merged into', job.mergedInto ?? ''],
    ]),
  );
}

/** The last lines of a run's execution log, read over HTTP like any output; none when there is no log yet. */
async function tailOf(ctx: CommandContext, logUrl: string): Promise<string[]> {
  // The end of the file only: a suffix range, which the outputs route serves.
  const response = await ctx.client.get(logUrl, `bytes=-${LOG_TAIL_BYTES}`).catch(() => null);
  if (response === null || (response.status !== 200 && response.status !== 206)) return [];
  const lines = response.body.split('\n');
  // A first line cut off by the range starts mid-line: not shown (a range from byte 0 cut nothing).
  if (response.status === 206 && !/^bytes 0-/.test(response.headers['content-range'] ?? '')) lines.shift();
  return lines.filter((line) => line !== '').slice(-LOG_TAIL_LINES);
}
