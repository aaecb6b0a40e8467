import type { Logger } from '@nestjs/common';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { assertNever, type ClaimedJob, type JobKind, type JobWork, outcomePlan, runInputsDir, type RunProgressStatus } from '../../../../libs/domain/src/index.js';
import { runFolder } from '../../../../libs/media/src/index.js';
import { EXECUTION_LOG_NAME, type ExecutorNode, type GpuNode, removeRemoteTree, type SshConnection } from '../../../../libs/gpu/src/index.js';
import { recordEnhancement } from './enhancement-result.js';
import { executeWorkload, type RunOutcome, stageWorkload } from './job-execution.js';
import type { JobLedger, RunFailure } from './job-ledger.js';
import { ProgressReporter } from './progress-reporter.js';

/** Where one job of a node runs: another connection when the node runs many at once, and who to tell when its container has exited. */
export interface DriveLane {
  readonly connection?: SshConnection;
  readonly containerExited?: () => void;
}

export interface DriverSettings {
  readonly inputsRoot: string;
  readonly outputsRoot: string;
  readonly timeoutSeconds: Readonly<Record<JobKind, number>>;
  readonly defaultNegativePrompt: string;
}

/**
 * Takes one claimed attempt of a job to its recorded end: the executor launches, re-attaches to or
 * finalizes the attempt's container, and the outcome becomes run and job events. `cancel` kills the
 * container (a user's cancel); a caller that only lets go (shutdown) closes the node's connection
 * and ignores what is thrown.
 */
export class JobDriver {
  constructor(
    private readonly node: GpuNode,
    private readonly ledger: JobLedger,
    private readonly settings: DriverSettings,
    private readonly logger: Logger,
  ) {}

  /** `lane`: the connection to use when the node runs many jobs at once, and who to tell when the container exits. */
  async drive(work: JobWork, claim: ClaimedJob, cancel: AbortSignal, lane: DriveLane = {}): Promise<void> {
    const { jobId, kind } = work;
    const runIds = work.runs.map((run) => run.runId);
    const progress = new ProgressReporter(this.ledger, { jobId, attempt: claim.attempt, runIds, node: this.node }, claim, this.logger);
    let exited = false;
    const onStage = (stage: RunProgressStatus, percent: number): void => {
      // The outputs still download, but the container is gone: its GPUs are free for the next job.
      if (stage === 'downloading' && !exited) {
        exited = true;
        lane.containerExited?.();
      }
      progress.report(stage, percent);
    };
    const connection = lane.connection ?? this.node.connection;
    const mirror = kind === 'batch_inference' ? new BatchLogMirror(this.settings.outputsRoot, runIds) : null;
    let outcomes: RunOutcome[];
    try {
      outcomes = await executeWorkload(
        work,
        {
          connection,
          node: claimExecutor(this.node.executor, claim),
          jobId,
          attempt: claim.attempt,
          inputsRoot: this.settings.inputsRoot,
          outputsRoot: this.settings.outputsRoot,
          timeoutMs: this.settings.timeoutSeconds[kind] * 1000,
          signal: cancel,
          onStage,
          onLog: mirror?.write,
        },
      );
    } finally {
      await progress.flush();
      await mirror?.close();
    }
    await this.record(work, claim.attempt, outcomes, cancel.aborted);
  }

  /** Uploads a queued job's inputs ahead of its claim over the node's own connection (job-stager.ts). */
  stage(work: JobWork, signal: AbortSignal, proceed: () => Promise<boolean>): Promise<number> {
    const request = { connection: this.node.connection, node: this.node.executor, inputsRoot: this.settings.inputsRoot, outputsRoot: this.settings.outputsRoot, signal };
    return stageWorkload(work, request, proceed);
  }

  /** The staged inputs of a job that will not run here (cancelled, or claimed by another node). */
  async unstage(runIds: readonly string[]): Promise<void> {
    for (const runId of runIds) await removeRemoteTree(this.node.connection, runInputsDir(runId));
  }

  /** Records the attempt as outcomePlan (libs/domain) says: runs, then the job, each step idempotent. */
  async record(work: JobWork, attempt: number, outcomes: readonly RunOutcome[], cancelled: boolean): Promise<void> {
    const { jobId } = work;
    const plan = outcomePlan(outcomes, cancelled);
    if (plan.cancel) return this.cancelled(jobId, attempt, work.runs.map((run) => run.runId));
    for (const step of plan.steps) {
      switch (step.type) {
        case 'FailRun':
          await this.ledger.failRun(jobId, attempt, step.runId, step.failure);
          break;
        case 'CompleteRun': {
          const outcome = outcomes.find((candidate) => candidate.runId === step.runId && candidate.status === 'completed');
          if (outcome?.status === 'completed') await this.ledger.completeRun(jobId, attempt, step.runId, outcome.outputs, outcome.enhancedText);
          break;
        }
        case 'RecordEnhancement': {
          const run = work.runs.find((entry) => entry.runId === step.runId);
          if (run !== undefined) await recordEnhancement(this.ledger, work, run, attempt, step.text, this.settings.defaultNegativePrompt);
          break;
        }
        case 'SucceedJob':
          await this.ledger.succeed(jobId, attempt);
          this.logger.log({ msg: 'job ended', node: this.node.name, jobId, attempt, status: 'succeeded', failedRuns: step.failedRuns });
          break;
        case 'FailJob':
          await this.ledger.fail(jobId, attempt, step.failure);
          this.logger.log({ msg: 'job ended', node: this.node.name, jobId, attempt, status: 'failed', ...step.failure });
          break;
        default:
          return assertNever(step);
      }
    }
  }

  /** Confirms a requested cancel and ends the runs with the owner's reason. */
  async cancelled(jobId: string, attempt: number, runIds: readonly string[]): Promise<void> {
    const state = await this.ledger.jobState(jobId);
    const request = state.status === 'Claimed' ? state.cancelRequested : null;
    await this.ledger.confirmCancel(jobId, attempt);
    for (const runId of runIds) await this.ledger.cancelRun(jobId, runId, request?.reason ?? 'cancelled', request?.by ?? 'system');
  }

  /** Ends the job and its runs with one failure (INTERRUPTED, SSH_FAILURE…). */
  async failed(jobId: string, attempt: number, runIds: readonly string[], failure: RunFailure): Promise<void> {
    for (const runId of runIds) await this.ledger.failRun(jobId, attempt, runId, failure);
    await this.ledger.fail(jobId, attempt, failure);
  }
}

/**
 * A batch container's log belongs to the job; the executor copies it whole into every run's folder
 * at the end. Meanwhile each line is appended there too, so runLog subscribers of any of the
 * batch's runs see it live.
 */
class BatchLogMirror {
  private readonly streams: WriteStream[];

  constructor(outputsRoot: string, runIds: readonly string[]) {
    this.streams = runIds.map((runId) => {
      const folder = runFolder(outputsRoot, runId);
      mkdirSync(folder, { recursive: true });
      return createWriteStream(join(folder, EXECUTION_LOG_NAME), { flags: 'a' });
    });
  }

  readonly write = (line: string): void => {
    for (const stream of this.streams) stream.write(`${line}\n`);
  };

  async close(): Promise<void> {
    await Promise.all(this.streams.map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
  }
}

/** The container sees only the GPUs its claim holds; a claim from before GPU slots keeps the node's whole setting. */
export function claimExecutor(executor: ExecutorNode, claim: ClaimedJob): ExecutorNode {
  return claim.gpus === undefined ? executor : { ...executor, gpus: { devices: [...claim.gpus] } };
}
