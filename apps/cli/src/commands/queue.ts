import { CliError, EXIT } from '../client/cli-error.js';
import { resultOf, type Typed } from '../client/service-client.js';
import type { CommandContext } from '../context.js';
import { table } from '../output/table.js';
import { confirmed } from './confirm.js';
import { oneOf, wholeNumber } from './options.js';
import { seconds } from './runs.js';

const USER_ERROR = '... on UserError { code message } ... on InvalidInput { fields { field problem } }';
const QUEUE = `paused pausedBy pausedAt pauseReason revision
  items { position etaSeconds job { id kind priority queuedAt queuedBy runIds waitingFor } }
  running { elapsedSeconds job { id kind node stage percent runIds } }`;

interface QueueView {
  readonly paused: boolean;
  readonly pausedBy: string | null;
  readonly pauseReason: string | null;
  readonly items: readonly { position: number; etaSeconds: number; job: { id: string; kind: string; priority: number; queuedAt: string; queuedBy: string; runIds: string[]; waitingFor: string | null } }[];
  readonly running: readonly { elapsedSeconds: number; job: { id: string; kind: string; node: string | null; stage: string | null; percent: number; runIds: string[] } }[];
}

export async function queueList(ctx: CommandContext): Promise<void> {
  const { queue } = await ctx.client.query<{ queue: QueueView }>(`{ queue { ${QUEUE} } }`);
  if (ctx.out.json) return ctx.out.document(queue);
  printQueue(ctx, queue);
}

export function printQueue(ctx: CommandContext, queue: QueueView): void {
  ctx.out.line(queue.paused ? `queue: paused by ${queue.pausedBy ?? '?'}${queue.pauseReason ? ` (${queue.pauseReason})` : ''}` : 'queue: running');
  if (queue.running.length > 0) {
    const rows = queue.running.map(({ elapsedSeconds, job }) => [job.id, job.kind, job.node, `${job.stage ?? 'claimed'} ${job.percent}%`, seconds(elapsedSeconds), job.runIds.length]);
    ctx.out.line(table(['running', 'kind', 'node', 'stage', 'elapsed', 'runs'], rows));
  }
  if (queue.items.length === 0) return ctx.out.line('nothing queued');
  const rows = queue.items.map(({ position, etaSeconds, job }) => [position, job.id, job.kind, job.priority, job.runIds.length, job.queuedBy, job.waitingFor ? '—' : seconds(etaSeconds), job.waitingFor ?? '']);
  ctx.out.line(table(['#', 'job', 'kind', 'priority', 'runs', 'by', 'eta', 'waiting for'], rows));
}

export async function pause(ctx: CommandContext, options: { reason?: string }): Promise<void> {
  await queueState(ctx, 'pauseQueue', options.reason);
}

export async function resume(ctx: CommandContext): Promise<void> {
  await queueState(ctx, 'resumeQueue');
}

async function queueState(ctx: CommandContext, mutation: 'pauseQueue' | 'resumeQueue', reason?: string): Promise<void> {
  const data = await ctx.client.query<Record<string, Typed>>(`mutation($input: ChangeQueueStateInput) { ${mutation}(input: $input) { __typename ... on QueueChanged { queue { ${QUEUE} } } ${USER_ERROR} } }`, { input: { reason } });
  const { queue } = resultOf<Typed & { queue: QueueView }>(data[mutation]!, 'QueueChanged');
  if (ctx.out.json) return ctx.out.document(queue);
  ctx.out.line(queue.paused ? 'queue paused' : 'queue resumed');
}

export async function cancel(ctx: CommandContext, jobIds: readonly string[], options: { reason?: string }): Promise<void> {
  if (jobIds.length === 0) throw new CliError(EXIT.usage, 'name the job(s) to cancel: cosmos queue cancel JOB_ID…');
  if (jobIds.length === 1) {
    const { cancelJob } = await ctx.client.query<{ cancelJob: Typed }>(
      `mutation($input: CancelJobInput!) { cancelJob(input: $input) { __typename ... on JobCancellationAccepted { job { id status } } ${USER_ERROR} } }`,
      { input: { jobId: jobIds[0], reason: options.reason } },
    );
    const { job } = resultOf<Typed & { job: { id: string; status: string } | null }>(cancelJob, 'JobCancellationAccepted');
    if (ctx.out.json) return ctx.out.record(job ?? { id: jobIds[0] });
    return ctx.out.line(`${jobIds[0]} ${job?.status === 'cancelled' ? 'cancelled' : 'cancel requested (the worker stops its container)'}`);
  }
  const { cancelJobs } = await ctx.client.query<{ cancelJobs: Typed }>(
    `mutation($input: CancelJobsInput!) { cancelJobs(input: $input) { __typename ... on JobsCancelled { results { __typename ... on JobCancellationAccepted { job { id status } } ... on UserError { code message } } } ${USER_ERROR} } }`,
    { input: { jobIds, reason: options.reason } },
  );
  const { results } = resultOf<Typed & { results: Typed[] }>(cancelJobs, 'JobsCancelled');
  let refused = 0;
  results.forEach((result, index) => {
    const jobId = jobIds[index]!;
    const ok = result.__typename === 'JobCancellationAccepted';
    if (!ok) refused += 1;
    if (ctx.out.json) ctx.out.record(ok ? { jobId, status: (result.job as { status: string } | null)?.status ?? 'cancel requested' } : { jobId, error: result.code, message: result.message });
    else ctx.out.line(`${jobId} ${ok ? ((result.job as { status: string } | null)?.status ?? 'cancel requested') : `refused: ${String(result.message)}`}`);
  });
  if (refused > 0) throw new CliError(EXIT.failed, `${refused} of ${jobIds.length} job(s) could not be cancelled`);
}

export async function clear(ctx: CommandContext, options: { reason?: string; force?: boolean }): Promise<void> {
  const { queue } = await ctx.client.query<{ queue: QueueView }>(`{ queue { ${QUEUE} } }`);
  if (queue.items.length === 0) return ctx.out.json ? ctx.out.document({ cancelledJobIds: [], skippedJobIds: [] }) : ctx.out.line('nothing queued');
  ctx.out.note(`this cancels ${queue.items.length} queued job(s): ${queue.items.map((item) => item.job.id).join(', ')}`);
  await confirmed(ctx, 'CLEAR QUEUE', options.force);
  const { clearQueue } = await ctx.client.query<{ clearQueue: Typed }>(
    `mutation($input: ClearQueueInput) { clearQueue(input: $input) { __typename ... on QueueCleared { cancelledJobIds skippedJobIds } ... on ClearNotConfirmed { code message } ${USER_ERROR} } }`,
    { input: { confirm: 'CLEAR QUEUE', reason: options.reason } },
  );
  const cleared = resultOf<Typed & { cancelledJobIds: string[]; skippedJobIds: string[] }>(clearQueue, 'QueueCleared');
  if (ctx.out.json) return ctx.out.document({ cancelledJobIds: cleared.cancelledJobIds, skippedJobIds: cleared.skippedJobIds });
  ctx.out.line(`cancelled ${cleared.cancelledJobIds.length} job(s)${cleared.skippedJobIds.length ? `; ${cleared.skippedJobIds.length} had started or ended meanwhile` : ''}`);
}

export async function retry(ctx: CommandContext, jobId: string): Promise<void> {
  const { retryJob } = await ctx.client.query<{ retryJob: Typed }>(
    `mutation($input: RetryJobInput!) { retryJob(input: $input) { __typename ... on JobRequested { job { id } runs { id } } ${USER_ERROR} } }`,
    { input: { jobId } },
  );
  const { job, runs } = resultOf<Typed & { job: { id: string } | null; runs: { id: string }[] }>(retryJob, 'JobRequested');
  if (ctx.out.json) return ctx.out.document({ jobId: job?.id ?? null, retryOf: jobId, runIds: runs.map((run) => run.id) });
  ctx.out.line(job?.id ?? '');
  ctx.out.note(`retried ${jobId} as ${job?.id}`);
}

export async function priority(ctx: CommandContext, jobId: string, value: string): Promise<void> {
  const level = wholeNumber('PRIORITY', value, 0, 100)!;
  const { setJobPriority } = await ctx.client.query<{ setJobPriority: Typed }>(
    `mutation($input: SetJobPriorityInput!) { setJobPriority(input: $input) { __typename ${USER_ERROR} } }`,
    { input: { jobId, priority: level } },
  );
  resultOf(setJobPriority, 'JobPriorityChanged');
  if (ctx.out.json) return ctx.out.document({ jobId, priority: level });
  ctx.out.line(`${jobId} priority ${level}`);
}

const PLAN = `basis mode maxRunsPerBatch jobsMerged runsBatched containersSaved batches { priority queuedAt controls runIds jobs { id } }`;

interface Plan {
  readonly basis: string;
  readonly jobsMerged: number;
  readonly runsBatched: number;
  readonly containersSaved: number;
  readonly batches: readonly { priority: number; controls: string[]; runIds: string[]; jobs: { id: string }[] }[];
}

export async function plan(ctx: CommandContext, options: { mode?: string; max?: string }): Promise<void> {
  const current = await planOf(ctx, options);
  if (ctx.out.json) return ctx.out.document(current);
  printPlan(ctx, current);
}

/** Applies the plan as the queue is now (or the one `--basis` names, refused as stale if the queue changed since). */
export async function apply(ctx: CommandContext, options: { mode?: string; max?: string; basis?: string }): Promise<void> {
  const args = planArgs(options);
  const basis = options.basis ?? (await planOf(ctx, options)).basis;
  const { applySmartBatching } = await ctx.client.query<{ applySmartBatching: Typed }>(
    `mutation($input: ApplySmartBatchingInput!) { applySmartBatching(input: $input) { __typename
      ... on SmartBatchingApplied { planId batches { batchJobId mergedJobIds skippedJobIds } }
      ... on StaleBatchPlan { code message plan { ${PLAN} } }
      ... on NothingToBatch { code message } ${USER_ERROR} } }`,
    { input: { basis, ...args } },
  );
  if (applySmartBatching.__typename === 'NothingToBatch') return ctx.out.json ? ctx.out.document({ batches: [] }) : ctx.out.line('nothing to batch');
  const applied = resultOf<Typed & { planId: string; batches: { batchJobId: string; mergedJobIds: string[]; skippedJobIds: string[] }[] }>(applySmartBatching, 'SmartBatchingApplied');
  if (ctx.out.json) return ctx.out.document({ planId: applied.planId, batches: applied.batches });
  for (const batch of applied.batches) ctx.out.line(`${batch.batchJobId} merged ${batch.mergedJobIds.join(', ')}${batch.skippedJobIds.length ? ` (skipped ${batch.skippedJobIds.join(', ')})` : ''}`);
}

function planArgs(options: { mode?: string; max?: string }): { mode?: string; maxRunsPerBatch?: number } {
  return { mode: oneOf('--mode', options.mode, ['strict', 'mixed'] as const), maxRunsPerBatch: wholeNumber('--max', options.max, 1, 1000) };
}

async function planOf(ctx: CommandContext, options: { mode?: string; max?: string }): Promise<Plan> {
  const { mode, maxRunsPerBatch } = planArgs(options);
  const { smartBatchPlan } = await ctx.client.query<{ smartBatchPlan: Typed }>(
    `query($mode: BatchingMode!, $max: Int!) { smartBatchPlan(mode: $mode, maxRunsPerBatch: $max) { __typename ... on BatchPlan { ${PLAN} } ${USER_ERROR} } }`,
    { mode: mode ?? 'strict', max: maxRunsPerBatch ?? 16 },
  );
  return resultOf<Typed & Plan>(smartBatchPlan, 'BatchPlan');
}

function printPlan(ctx: CommandContext, current: Plan): void {
  if (current.batches.length === 0) return ctx.out.line('nothing to batch');
  const rows = current.batches.map((batch) => [batch.jobs.map((job) => job.id).join(' '), batch.runIds.length, batch.priority, batch.controls.join('+')]);
  ctx.out.line(table(['jobs', 'runs', 'priority', 'controls'], rows, 80));
  ctx.out.line(`${current.jobsMerged} job(s) into ${current.batches.length} batch(es): ${current.containersSaved} container start(s) saved. Apply with: cosmos queue apply --basis ${current.basis}`);
}
