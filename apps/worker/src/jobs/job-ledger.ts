import { type FailureReason, type JobCommand, jobDecider, type JobEvent, JobNotActive, type JobQueued, type JobStage, type JobState, jobStream, type OutputFile, type PromptCommand, promptDecider, promptStream, type RunCommand, runDecider, RunNotActive, RunNotFound, type RunProgressStatus, runRequestsOf, runStream } from '../../../../libs/domain/src/index.js';
import { type Clock, type CommandContext, type CommandResult, deterministicEventId, type EventSourcedCommandHandler, type EventStore, StreamNotFound } from '../../../../libs/eventstore/src/index.js';

/** A job as its stream says: its state, and what it was queued with (null when the stream holds no job). */
export interface JobRecord {
  readonly jobId: string;
  readonly state: JobState;
  readonly queued: JobQueued['data'] | null;
}

/** A typed end of a run, in RunFailed's terms. */
export interface RunFailure {
  readonly reason: FailureReason;
  readonly message: string;
  readonly exitCode: number | null;
}

/** Where a worker step sits in its job's trace. */
type Trace = Pick<CommandContext, 'correlationId' | 'causationId'>;

/** Jobs whose correlation is remembered; a worker runs one job per node at a time, so few are live. */
const REMEMBERED_JOBS = 256;

/**
 * What the worker writes about a job and its runs. Every command id derives from the job, the
 * attempt and the step, so a worker that crashed and repeats a step after restarting appends
 * nothing twice. Steps that find their job or run already ended (a cancel, a kill switch, another
 * recovery got there first) are skipped: the first recorded ending stands.
 */
export class JobLedger {
  /** jobId → the correlation and event id of its JobQueued. */
  private readonly origins = new Map<string, { correlationId: string; queuedEventId: string }>();

  constructor(
    private readonly commands: EventSourcedCommandHandler,
    private readonly events: EventStore,
    private readonly clock: Clock,
    private readonly actor: string,
  ) {}

  now(): string {
    return this.clock.now().toISOString();
  }

  /** The job as its own stream says, which the read model may not show yet. */
  jobState(jobId: string): Promise<JobState> {
    return this.commands.state(jobDecider, jobStream(jobId));
  }

  /** The job's state and what it was queued with, from one read of its stream. */
  async jobRecord(jobId: string): Promise<JobRecord> {
    const { state, events } = await this.commands.history(jobDecider, jobStream(jobId));
    const first = events[0];
    if (first?.event.type !== 'JobQueued') return { jobId, state, queued: null };
    this.remember(jobId, { correlationId: first.recorded.metadata.correlationId, queuedEventId: first.recorded.id });
    return { jobId, state, queued: first.event.data };
  }

  /**
   * Makes the runs the job was queued with, when its request stopped before making them all: the
   * same commands (and ids) as the API's, so whichever comes first makes each run. The API makes
   * them in order, so a job whose last run exists has them all.
   */
  async ensureRuns(queued: JobQueued['data']): Promise<void> {
    const requests = runRequestsOf(queued, { now: this.now(), actor: queued.queuedBy }) ?? [];
    const last = requests[requests.length - 1];
    if (last === undefined || (await this.commands.state(runDecider, runStream(last.command.runId))).status !== 'NotRequested') return;
    const { correlationId, queuedEventId } = (await this.origin(queued.jobId)) ?? {};
    for (const { commandId, command } of requests) {
      await this.commands.handle(runDecider, runStream(command.runId), command, { commandId, actor: this.actor, now: this.now(), correlationId, causationId: queuedEventId });
    }
  }

  /** Throws the decider's refusal (JobNotQueued…) when another claimer won. */
  async claim(jobId: string, node: string, attempt: number, gpus: readonly number[]): Promise<CommandResult<JobEvent>> {
    return this.job(jobId, { type: 'ClaimJob', jobId, node, attempt, gpus, now: this.now() }, `a${attempt}:claim`, await this.trace(jobId));
  }

  async stage(jobId: string, attempt: number, stage: JobStage, percent: number): Promise<void> {
    await this.ended(this.job(jobId, { type: 'ChangeJobStage', jobId, stage, percent, now: this.now() }, `a${attempt}:${stage}:${percent}`, await this.trace(jobId, attempt)));
  }

  async runStatus(jobId: string, attempt: number, runId: string, status: RunProgressStatus, node: { name: string; simulated: boolean }): Promise<void> {
    const command = { type: 'ChangeRunStatus' as const, runId, status, node: node.name, simulated: node.simulated, now: this.now() };
    await this.ended(this.run(runId, command, `${jobId}:a${attempt}:${runId}:${status}`, await this.trace(jobId, attempt)));
  }

  async completeRun(jobId: string, attempt: number, runId: string, outputs: readonly OutputFile[], enhancedText: string | null): Promise<void> {
    await this.ended(this.run(runId, { type: 'CompleteRun', runId, outputs, enhancedText, now: this.now() }, completeRunStep(jobId, attempt, runId), await this.trace(jobId, attempt)));
  }

  async failRun(jobId: string, attempt: number, runId: string, failure: RunFailure): Promise<void> {
    await this.ended(this.run(runId, { type: 'FailRun', runId, ...failure, now: this.now() }, `${jobId}:a${attempt}:${runId}:fail`, await this.trace(jobId, attempt)));
  }

  async cancelRun(jobId: string, runId: string, reason: string, by: string): Promise<void> {
    // The same id the API uses when it cancels a queued job's runs: one cancel per run, whoever gets there first.
    await this.ended(this.run(runId, { type: 'CancelRun', runId, reason, now: this.now(), actor: by }, `${jobId}:cancel:${runId}`, await this.trace(jobId)));
  }

  async succeed(jobId: string, attempt: number): Promise<void> {
    await this.ended(this.job(jobId, { type: 'SucceedJob', jobId, now: this.now() }, `a${attempt}:succeed`, await this.trace(jobId, attempt)));
  }

  async fail(jobId: string, attempt: number, failure: RunFailure): Promise<void> {
    await this.ended(this.job(jobId, { type: 'FailJob', jobId, ...failure, now: this.now() }, `a${attempt}:fail`, await this.trace(jobId, attempt)));
  }

  async confirmCancel(jobId: string, attempt: number): Promise<void> {
    await this.ended(this.job(jobId, { type: 'ConfirmCancel', jobId, now: this.now() }, `a${attempt}:cancelled`, await this.trace(jobId, attempt)));
  }

  /** ReleaseJob's events: JobReleased, or the JobFailed/JobCancelled it turned into. */
  async release(jobId: string, attempt: number, reason: string, maxAttempts: number): Promise<readonly JobEvent[]> {
    const result = await this.job(jobId, { type: 'ReleaseJob', jobId, reason, maxAttempts, now: this.now() }, `a${attempt}:release`, await this.trace(jobId, attempt));
    return result.events;
  }

  /** A prompt the run's result made or changed; in the job's trace, caused by the run's completion. */
  async prompt(promptId: string, command: PromptCommand, step: string, from: { jobId: string; attempt: number; runId: string }): Promise<void> {
    const { correlationId } = await this.trace(from.jobId);
    const causationId = deterministicEventId(completeRunStep(from.jobId, from.attempt, from.runId), runStream(from.runId), 0);
    await this.commands.handle(promptDecider, promptStream(promptId), command, { commandId: step, actor: this.actor, now: this.now(), correlationId, causationId });
  }

  private job(jobId: string, command: JobCommand, step: string, trace: Trace): Promise<CommandResult<JobEvent>> {
    return this.commands.handle(jobDecider, jobStream(jobId), command, { commandId: `${jobId}:${step}`, actor: this.actor, now: this.now(), ...trace });
  }

  private run(runId: string, command: RunCommand, commandId: string, trace: Trace): Promise<unknown> {
    return this.commands.handle(runDecider, runStream(runId), command, { commandId, actor: this.actor, now: this.now(), ...trace });
  }

  /**
   * A worker step carries the correlation of the request that queued the job, so a trace of that
   * request reaches the claim, stages and outcomes. Within an attempt a step is caused by its claim
   * (whose event id derives from the claim's command id); the claim itself, and steps outside an
   * attempt, by the JobQueued.
   */
  private async trace(jobId: string, attempt?: number): Promise<Trace> {
    const origin = await this.origin(jobId);
    if (origin === null) return {};
    const causationId = attempt === undefined ? origin.queuedEventId : deterministicEventId(`${jobId}:a${attempt}:claim`, jobStream(jobId), 0);
    return { correlationId: origin.correlationId, causationId };
  }

  private async origin(jobId: string): Promise<{ correlationId: string; queuedEventId: string } | null> {
    const known = this.origins.get(jobId);
    if (known) return known;
    const [queued] = await this.events.readStream(jobStream(jobId), { maxCount: 1 }).catch((error: unknown) => {
      if (error instanceof StreamNotFound) return [];
      throw error;
    });
    if (queued === undefined) return null;
    const origin = { correlationId: queued.metadata.correlationId, queuedEventId: queued.id };
    this.remember(jobId, origin);
    return origin;
  }

  private remember(jobId: string, origin: { correlationId: string; queuedEventId: string }): void {
    if (!this.origins.has(jobId) && this.origins.size >= REMEMBERED_JOBS) this.origins.delete(this.origins.keys().next().value!);
    this.origins.set(jobId, origin);
  }

  /** Skips a step whose job or run already ended; anything else is a real error. */
  private async ended(step: Promise<unknown>): Promise<void> {
    try {
      await step;
    } catch (error) {
      if (error instanceof JobNotActive || error instanceof RunNotActive || error instanceof RunNotFound) return;
      throw error;
    }
  }
}

/** The command id of a run's completion, whose first event id an enhancement's prompt names as its cause. */
function completeRunStep(jobId: string, attempt: number, runId: string): string {
  return `${jobId}:a${attempt}:${runId}:complete`;
}
