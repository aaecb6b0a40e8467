import type { Client } from 'graphql-ws';
import { CliError, EXIT } from '../client/cli-error.js';
import type { CommandContext } from '../context.js';
import { seconds } from './runs.js';
import { openSocket } from './socket.js';

const FINISHED = ['succeeded', 'failed', 'cancelled', 'merged'];
const JOB = 'id kind status stage percent mergedInto waitingFor runIds';
/** When the jobs are read again after subscribing (see waitForJobs). */
const REREAD_AFTER_MS = [1000, 5000];

interface JobState {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly stage: string | null;
  readonly percent: number;
  readonly mergedInto: string | null;
  readonly waitingFor: string | null;
  readonly runIds: readonly string[];
}

interface RunResult {
  readonly id: string;
  readonly status: string;
  readonly durationSeconds: number | null;
  readonly failure: { readonly reason: string; readonly message: string } | null;
}

/**
 * Follows jobs to their end over subscriptions (no polling): a progress bar per job on a
 * terminal (stage, percent, the queue's ETA while it waits, the log's last line), then each run's
 * outcome on stdout. Ctrl-C detaches and leaves the jobs running. Exit 1 when a run did not
 * complete.
 */
export async function waitForJobs(ctx: CommandContext, jobIds: readonly string[]): Promise<void> {
  const socket = await openSocket(ctx);
  let socketError: Error | null = null;
  socket.on('error', (error) => void (socketError = error instanceof Error ? error : new Error(String((error as { reason?: string }).reason ?? 'WebSocket error'))));
  const view = ctx.out.interactive ? await ProgressView.open(ctx) : null;
  const states = new Map<string, JobState>();
  let settle: (() => void) | null = null;
  const allDone = new Promise<void>((resolve) => (settle = resolve));
  const update = async (job: JobState | null | undefined): Promise<void> => {
    if (!job) return;
    states.set(job.id, job);
    view?.job(job, job.status === 'queued' ? await etaOf(ctx, job.id).catch(() => null) : null);
    if (jobIds.every((id) => FINISHED.includes(states.get(id)?.status ?? ''))) settle?.();
  };
  const failed = new Promise<never>((_, reject) => {
    const unsubscribe: (() => void)[] = [];
    for (const jobId of jobIds) {
      unsubscribe.push(
        socket.subscribe<{ jobUpdated: { job: JobState | null } }>(
          { query: `subscription($id: String) { jobUpdated(id: $id) { job { ${JOB} } } }`, variables: { id: jobId } },
          { next: ({ data }) => void update(data?.jobUpdated.job), error: (error) => reject(subscriptionError(error, socketError)), complete: () => undefined },
        ),
      );
    }
    void allDone.then(() => unsubscribe.forEach((stop) => stop()));
  });
  const detach = () => {
    view?.stop();
    const cancel = jobIds.map((id) => `cosmos queue cancel ${id}`).join('; ');
    ctx.out.warn(`detached: the job(s) go on without you. Follow again with \`cosmos status\`; cancel with \`${cancel}\``);
    void socket.dispose();
    process.exit(EXIT.interrupted);
  };
  process.once('SIGINT', detach);
  let rereads: NodeJS.Timeout[] = [];
  try {
    // Subscribed first, then read. The server registers a subscription a moment after it is
    // sent, so a change in that moment could fall between the read and the subscription: the jobs
    // are read again once that moment has surely passed (bounded, not a poll).
    const read = async () => {
      for (const jobId of jobIds) {
        const { job } = await ctx.client.query<{ job: JobState | null }>(`query($id: String!) { job(id: $id) { ${JOB} } }`, { id: jobId });
        if (job === null) throw new CliError(EXIT.notFound, `no job ${jobId}`);
        await update(job);
      }
    };
    await read();
    rereads = REREAD_AFTER_MS.map((ms) => setTimeout(() => void read().catch(() => undefined), ms));
    if (view !== null) followLogs(socket, jobIds, states, view);
    failed.catch(() => undefined);
    await Promise.race([allDone, failed]);
  } finally {
    rereads.forEach(clearTimeout);
    process.removeListener('SIGINT', detach);
    view?.stop();
    await socket.dispose();
  }
  await report(ctx, [...jobIds.map((id) => states.get(id)!)]);
}

/** The runs' outcomes: one line (or JSON record) each; exit 1 unless every run completed. */
async function report(ctx: CommandContext, jobs: readonly JobState[]): Promise<void> {
  const runIds = jobs.flatMap((job) => job.runIds);
  const runs: RunResult[] = [];
  for (const runId of runIds) {
    const { run } = await ctx.client.query<{ run: RunResult | null }>(`query($id: String!) { run(id: $id) { id status durationSeconds failure { reason message } } }`, { id: runId });
    if (run !== null) runs.push(run);
  }
  for (const run of runs) {
    if (ctx.out.json) ctx.out.record(run);
    else ctx.out.line(`${run.id} ${run.status}${run.failure ? ` ${run.failure.reason}: ${run.failure.message}` : ''}${run.durationSeconds === null ? '' : ` (${seconds(run.durationSeconds)})`}`);
  }
  const merged = jobs.filter((job) => job.status === 'merged');
  for (const job of merged) ctx.out.warn(`job ${job.id} was merged into batch ${job.mergedInto}: follow it with \`cosmos show ${job.mergedInto}\``);
  const notCompleted = runs.filter((run) => run.status !== 'completed');
  if (notCompleted.length > 0 && merged.length === 0) {
    throw new CliError(EXIT.failed, `${notCompleted.length} of ${runs.length} run(s) did not complete: ${notCompleted.map((run) => `${run.id} ${run.failure?.reason ?? run.status}`).join(', ')}`);
  }
}

async function etaOf(ctx: CommandContext, jobId: string): Promise<{ position: number; etaSeconds: number } | null> {
  const { queue } = await ctx.client.query<{ queue: { items: { position: number; etaSeconds: number; job: { id: string } }[] } }>(`{ queue { items { position etaSeconds job { id } } } }`);
  return queue.items.find((item) => item.job.id === jobId) ?? null;
}

/** The last log line of each job's first run under its bar; a run's log starts once it runs. */
function followLogs(socket: Client, jobIds: readonly string[], states: Map<string, JobState>, view: ProgressView): void {
  for (const jobId of jobIds) {
    const runId = states.get(jobId)?.runIds[0];
    if (runId === undefined) continue;
    socket.subscribe<{ runLog: { text: string } }>(
      { query: `subscription($runId: ID!) { runLog(runId: $runId) { text } }`, variables: { runId } },
      { next: ({ data }) => data && view.log(jobId, data.runLog.text), error: () => undefined, complete: () => undefined },
    );
  }
}

function subscriptionError(error: unknown, socketError: Error | null): CliError {
  const first = Array.isArray(error) ? (error[0] as { message?: string; extensions?: { code?: string } }) : null;
  const code = first?.extensions?.code;
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN') return new CliError(EXIT.unreachable, first?.message ?? code);
  const reason = first?.message ?? socketError?.message ?? (error as { reason?: string })?.reason ?? String(error);
  return new CliError(EXIT.unreachable, `lost the service's WebSocket while waiting: ${reason} (the job goes on; see \`cosmos status\`)`);
}

/** Bars on stderr: one per job, its log's last line beneath. */
class ProgressView {
  private constructor(
    private readonly bars: import('cli-progress').MultiBar,
    private readonly rows: Map<string, { bar: import('cli-progress').SingleBar; log: import('cli-progress').SingleBar }>,
  ) {}

  static async open(ctx: CommandContext): Promise<ProgressView> {
    const { default: progress } = await import('cli-progress');
    const bars = new progress.MultiBar(
      { stream: ctx.out.errorStream, format: '{job} [{bar}] {percentage}% {status}', hideCursor: true, clearOnComplete: false, stopOnComplete: false, barsize: 24 },
      progress.Presets.shades_classic,
    );
    return new ProgressView(bars, new Map());
  }

  job(job: JobState, eta: { position: number; etaSeconds: number } | null): void {
    const row = this.row(job.id);
    const status =
      job.status === 'queued'
        ? `queued${eta ? ` #${eta.position}, ETA ${seconds(eta.etaSeconds)}` : ''}${job.waitingFor ? ` (${job.waitingFor})` : ''}`
        : `${job.status}${job.stage && job.stage !== job.status && !FINISHED.includes(job.status) ? ` · ${job.stage}` : ''}`;
    row.bar.update(FINISHED.includes(job.status) ? 100 : job.percent, { job: job.id, status });
  }

  log(jobId: string, text: string): void {
    this.row(jobId).log.update(0, { line: `  ${text.slice(0, 100)}` });
  }

  stop(): void {
    this.bars.stop();
  }

  private row(jobId: string) {
    let row = this.rows.get(jobId);
    if (row === undefined) {
      row = { bar: this.bars.create(100, 0, { job: jobId, status: '' }), log: this.bars.create(0, 0, { line: '' }, { format: '{line}' }) };
      this.rows.set(jobId, row);
    }
    return row;
  }
}
