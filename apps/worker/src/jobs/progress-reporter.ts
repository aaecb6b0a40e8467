import type { Logger } from '@nestjs/common';
import { JOB_STAGES, JobInvalidTransition, type JobStage, RunInvalidTransition } from '../../../../libs/domain/src/index.js';
import type { JobLedger } from './job-ledger.js';

/** Percent steps a stage records at most: enough for a progress bar, few enough to keep the job stream short. */
const PERCENT_STEP = 5;

/**
 * Turns the executor's progress callbacks (many, synchronous) into ordered job and run events:
 * each stage change, and the percent within a stage in steps of PERCENT_STEP. It starts from what
 * the job already recorded, so a re-attached attempt never tries to go back.
 */
export class ProgressReporter {
  private chain: Promise<void> = Promise.resolve();
  private stageIndex: number;
  private percent: number;

  constructor(
    private readonly ledger: JobLedger,
    private readonly job: {
      readonly jobId: string;
      readonly attempt: number;
      readonly runIds: readonly string[];
      readonly node: { readonly name: string; readonly simulated: boolean };
    },
    recorded: { readonly stage: JobStage | null; readonly percent: number },
    private readonly logger: Logger,
  ) {
    this.stageIndex = recorded.stage === null ? -1 : JOB_STAGES.indexOf(recorded.stage);
    this.percent = recorded.percent;
  }

  readonly report = (stage: JobStage, rawPercent: number): void => {
    const index = JOB_STAGES.indexOf(stage);
    const percent = Math.max(0, Math.min(100, Math.floor(rawPercent)));
    if (index < this.stageIndex) return;
    const newStage = index > this.stageIndex;
    if (!newStage && percent < 100 && percent - this.percent < PERCENT_STEP) return;
    if (!newStage && percent <= this.percent) return;
    this.stageIndex = index;
    this.percent = percent;
    this.enqueue(async () => {
      const { jobId, attempt, runIds, node } = this.job;
      await this.ledger.stage(jobId, attempt, stage, percent);
      if (newStage) for (const runId of runIds) await this.ledger.runStatus(jobId, attempt, runId, stage, node);
    });
  };

  /** Waits until every reported step is written (or refused). */
  flush(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain.then(step).catch((error: unknown) => {
      // A recovery or a kill switch may have moved the job on; progress is never worth failing a job for.
      if (!(error instanceof JobInvalidTransition || error instanceof RunInvalidTransition)) this.logger.warn({ msg: 'progress not recorded', jobId: this.job.jobId, error: String(error) });
    });
  }
}
