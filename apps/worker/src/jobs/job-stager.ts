import type { Logger } from '@nestjs/common';
import type { JobWork } from '../../../../libs/domain/src/index.js';
import type { JobDriver } from './job-driver.js';
import type { JobLedger } from './job-ledger.js';

interface Staging {
  readonly stop: AbortController;
  readonly runIds: readonly string[];
  readonly done: Promise<void>;
}

/**
 * Staging for one node: while jobs run there, the input videos of the queued jobs most likely to
 * be claimed there next go up already, so their containers start without waiting for SFTP. The
 * node worker says which jobs (`plan`: one ahead per running job); a job that drops out of the plan
 * has its staging stopped before its next file, and its files removed once it can no longer run
 * here (claimed by another node, cancelled, merged). Before each file the job's own stream is
 * read: nothing of a job is uploaded after its cancel.
 */
export class JobStager {
  private readonly staged = new Map<string, Staging>();
  /** Stagings dropped from the plan, by job, until their last file is written and their litter removed. */
  private readonly dropped = new Map<string, Promise<void>>();

  constructor(
    private readonly node: string,
    private readonly driver: JobDriver,
    private readonly ledger: JobLedger,
    private readonly workOf: (jobId: string) => Promise<JobWork | null>,
    private readonly logger: Logger,
  ) {}

  /** Stages exactly these jobs (the others stop). */
  plan(jobIds: readonly string[]): void {
    const wanted = new Set(jobIds);
    for (const [jobId, staging] of this.staged) if (!wanted.has(jobId)) this.drop(jobId, staging);
    for (const jobId of jobIds) if (!this.staged.has(jobId)) this.start(jobId);
  }

  /**
   * The job was claimed here: its staging stops and is waited for (a staging dropped from the
   * plan a moment ago too), so the claim's own uploads never write a file staging is still
   * writing; what staging sent, the claim does not send again.
   */
  async claimed(jobId: string): Promise<void> {
    const staging = this.staged.get(jobId);
    this.staged.delete(jobId);
    staging?.stop.abort();
    await Promise.allSettled([staging?.done, this.dropped.get(jobId)]);
  }

  async close(): Promise<void> {
    const all = [...this.staged.values()];
    this.staged.clear();
    for (const staging of all) staging.stop.abort();
    await Promise.allSettled([...all.map((staging) => staging.done), ...this.dropped.values()]);
  }

  private start(jobId: string): void {
    const stop = new AbortController();
    const runIds: string[] = [];
    // Planned again just after it was dropped: the dropped one finishes its file first.
    const before = this.dropped.get(jobId);
    const done = (async () => {
      await before;
      const work = await this.workOf(jobId);
      if (work === null || stop.signal.aborted) return;
      runIds.push(...work.runs.map((run) => run.runId));
      const sent = await this.driver.stage(work, stop.signal, () => this.stillQueued(jobId));
      if (sent > 0) this.logger.debug({ msg: 'staged inputs', node: this.node, jobId, bytes: sent });
    })().catch((error: unknown) => this.logger.warn({ msg: 'could not stage inputs', node: this.node, jobId, error: (error as Error).message ?? String(error) }));
    this.staged.set(jobId, { stop, runIds, done });
  }

  private drop(jobId: string, staging: Staging): void {
    this.staged.delete(jobId);
    staging.stop.abort();
    const cleanup = (async () => {
      await staging.done;
      // Still queued: it may yet run here, and its files would be sent again. Otherwise they are litter.
      if (staging.runIds.length === 0 || (await this.stillQueued(jobId))) return;
      const state = await this.ledger.jobState(jobId);
      if (state.status === 'Claimed' && state.node === this.node) return;
      await this.driver.unstage(staging.runIds);
    })()
      .catch((error: unknown) => this.logger.warn({ msg: 'could not remove staged inputs', node: this.node, jobId, error: (error as Error).message ?? String(error) }))
      .finally(() => {
        if (this.dropped.get(jobId) === cleanup) this.dropped.delete(jobId);
      });
    this.dropped.set(jobId, cleanup);
  }

  private async stillQueued(jobId: string): Promise<boolean> {
    return (await this.ledger.jobState(jobId)).status === 'Queued';
  }
}
