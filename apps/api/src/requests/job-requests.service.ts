import { Inject, Injectable } from '@nestjs/common';
import { afterQueued, idempotencyDecider, IdempotencyKeyReused, idempotencyStream, ids, InvalidInput, JobAlreadyRetried, jobDecider, type JobKind, JobNotFound, type JobQueued, jobStream, type QueuedPrompt, type QueuedUpscale, queueJobStep, reserveKeyStep, runDecider, RunNotActive, RunNotFound, runStream } from '../../../../libs/domain/src/index.js';
import { asQueuedPrompt, type CatalogQueries, type PromptDoc, queuedPrompts, DOCUMENT_STORE, type DocumentStore, job as readJob, jobsProjection, resolveUpscaleSource, runsProjection } from '../../../../libs/read-models/src/index.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Job } from '../jobs/job.model.js';
import { Run } from '../runs/run.model.js';
import type { CheckedInferenceRequest } from './inference-request.js';
import type { CheckedEnhanceRequest } from './enhance-request.js';
import type { CheckedUpscaleRequest } from './upscale-request.js';
import { JobCancellationAccepted, JobRequested } from './requests.results.js';

/** One run of a job to queue; its id comes from the queued job. */
interface RunPlan {
  readonly promptId: string;
  readonly config: Readonly<Record<string, unknown>>;
  /** The prompt as it is now, when the request's checks already read it (else it is read when queued). */
  readonly prompt?: QueuedPrompt;
}

interface JobPlan {
  readonly kind: JobKind;
  readonly runs: readonly RunPlan[];
  readonly upscale: QueuedUpscale | null;
  readonly priority: number;
  /** Absent only for a retry of a job queued before GPU slots. */
  readonly numGpus?: number;
  readonly idempotencyKey: string | null;
  readonly retryOf: string | null;
}

const JOB_READ_MODELS = [jobsProjection.name];
const RUN_READ_MODELS = [runsProjection.name];

/**
 * Requests span several streams (key, job, runs) and no store transaction covers them, so every
 * step's command id derives from the job id: repeating a request that crashed half-way finds the
 * steps already taken (the handler recognises their event ids) and takes only the missing ones.
 */
@Injectable()
export class JobRequests {
  constructor(
    private readonly commands: CommandIssuer,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  async requestInference(checked: CheckedInferenceRequest, request: RequestContext): Promise<JobRequested> {
    const { prompts, config, negativePrompt, priority, numGpus, idempotencyKey } = checked;
    // The job's JobQueued holds the negative prompt its runs use: the request's, or each prompt's.
    const queued = (prompt: PromptDoc) => ({ ...asQueuedPrompt(prompt), ...(negativePrompt === null ? {} : { negativePrompt }) });
    const runs = prompts.map((prompt): RunPlan => ({ promptId: prompt.id, config: { ...config }, prompt: queued(prompt) }));
    const plan: JobPlan = { kind: prompts.length === 1 ? 'inference' : 'batch_inference', runs, upscale: null, priority, numGpus, idempotencyKey, retryOf: null };
    return this.queue(await this.jobIdFor(idempotencyKey, request), plan, request);
  }

  /** One upscale run, linked to its source run or video, under the source's (or the named) prompt. */
  async requestUpscale(checked: CheckedUpscaleRequest, request: RequestContext): Promise<JobRequested> {
    const { promptId, config, sourceRunId, sourceVideo, source, priority, numGpus, idempotencyKey } = checked;
    const upscale: QueuedUpscale = { sourceRunId, sourceVideo, video: source };
    const plan: JobPlan = { kind: 'upscale', runs: [{ promptId, config: { ...config } }], upscale, priority, numGpus, idempotencyKey, retryOf: null };
    return this.queue(await this.jobIdFor(idempotencyKey, request), plan, request);
  }

  /**
   * One enhance run, its config recording model and mode. `clearRuns` (OVERWRITE with force) runs
   * only while the job does not exist yet: a repeat of a request that already queued its job
   * answers that job and must not delete runs made since.
   */
  async requestEnhance(checked: CheckedEnhanceRequest, request: RequestContext, clearRuns: () => Promise<void>): Promise<JobRequested> {
    const { prompt, config, priority, idempotencyKey } = checked;
    const run: RunPlan = { promptId: prompt.id, config: { ...config }, prompt: asQueuedPrompt(prompt) };
    const jobId = await this.jobIdFor(idempotencyKey, request);
    if ((await readJob(this.documents, jobId)) === null) await clearRuns();
    return this.queue(jobId, { kind: 'enhance', runs: [run], upscale: null, priority, numGpus: 1, idempotencyKey, retryOf: null }, request);
  }

  /**
   * Links the old job first: its stream decides, atomically, whether it may be retried and by
   * whom. A repeat (or a retry after a crash past the link) finds the link and completes or
   * answers that same new job, so one failed job never gets two copies.
   */
  async retry(jobId: string, request: RequestContext): Promise<JobRequested> {
    const old = await readJob(this.documents, jobId);
    if (old === null) throw new JobNotFound(jobId);
    let newJobId = ids.job();
    try {
      const command = { type: 'RetryJob' as const, jobId, newJobId, now: this.commands.now(), actor: request.actor };
      await this.commands.issue(jobDecider, command, request, { streamId: jobStream(jobId), commandId: `${newJobId}:retry-link`, readModels: [] });
    } catch (error) {
      if (!(error instanceof JobAlreadyRetried)) throw error;
      newJobId = error.details.retriedAs;
    }
    const runs: RunPlan[] = [];
    let upscale: QueuedUpscale | null = null;
    for (const runId of old.runIds) {
      const run = await this.catalog.run(runId);
      if (run === null) throw new RunNotFound(runId);
      runs.push({ promptId: run.promptId, config: run.config });
      if (old.kind === 'upscale') upscale = await this.upscaleSourceOf(run);
    }
    const numGpus = old.numGpus === null ? {} : { numGpus: old.numGpus };
    return this.queue(newJobId, { kind: old.kind, runs, upscale, priority: old.priority, ...numGpus, idempotencyKey: null, retryOf: jobId }, request);
  }

  /** A queued job ends at once and takes its runs along; a claimed one ends when its worker confirms the kill. */
  async cancel(jobId: string, reason: string, request: RequestContext, options: { queuedOnly?: boolean } = {}): Promise<JobCancellationAccepted> {
    const command = { type: 'RequestCancel' as const, jobId, reason, queuedOnly: options.queuedOnly, now: this.commands.now(), actor: request.actor };
    const { accepted, events } = await this.commands.issueForEvents(jobDecider, command, request, {
      streamId: jobStream(jobId),
      commandId: `${jobId}:cancel`,
      readModels: JOB_READ_MODELS,
    });
    const doc = await readJob(this.documents, jobId);
    if (events.some((event) => event.type === 'JobCancelled') && doc !== null) {
      for (const runId of doc.runIds) await this.cancelRun(jobId, runId, reason, request);
    }
    return Object.assign(new JobCancellationAccepted(), { accepted, job: doc && Job.from(doc) });
  }

  private async cancelRun(jobId: string, runId: string, reason: string, request: RequestContext): Promise<void> {
    const command = { type: 'CancelRun' as const, runId, reason, now: this.commands.now(), actor: request.actor };
    try {
      await this.commands.issue(runDecider, command, request, { streamId: runStream(runId), commandId: `${jobId}:cancel:${runId}`, readModels: RUN_READ_MODELS });
    } catch (error) {
      // Nothing left to stop: the run already ended, or a crashed request never created it.
      if (!(error instanceof RunNotActive || error instanceof RunNotFound)) throw error;
    }
  }

  private async jobIdFor(idempotencyKey: string | null, request: RequestContext): Promise<string> {
    return idempotencyKey === null ? ids.job() : this.reserve(idempotencyKey, ids.job(), request);
  }

  /** The job id the key names: this one if the key was free, else the first request's. */
  private async reserve(key: string, jobId: string, request: RequestContext): Promise<string> {
    const { commandId, command } = reserveKeyStep(key, jobId, this.commands.now());
    const { events } = await this.commands.issueForEvents(idempotencyDecider, command, request, { streamId: idempotencyStream(key), commandId, readModels: [] });
    const reserved = events[0];
    if (reserved === undefined) throw new Error(`idempotency key ${key} was reserved outside a job request`);
    return reserved.data.jobId;
  }

  /** A retried upscale reads its source again: a source run's video may have been deleted since. */
  private async upscaleSourceOf(run: { sourceRunId: string | null; sourceVideo: string | null }): Promise<QueuedUpscale> {
    const source = await resolveUpscaleSource(this.catalog, run);
    if (source === null) throw new InvalidInput([{ field: 'input.jobId', problem: `the source run ${run.sourceRunId} has no output video to upscale any more` }]);
    return source;
  }

  /** The steps libs/domain's request plan lays out: the job, then the runs its answer names. */
  private async queue(jobId: string, plan: JobPlan, request: RequestContext): Promise<JobRequested> {
    const { kind, upscale, priority, idempotencyKey, retryOf } = plan;
    const asked = plan.runs.map(({ promptId, config }) => ({ promptId, config }));
    const prompts = await queuedPrompts(this.catalog, plan.runs.map(({ promptId, prompt }) => ({ promptId, known: prompt })));
    const numGpus = plan.numGpus === undefined ? {} : { numGpus: plan.numGpus };
    const jobRequest = { jobId, kind, runs: asked, prompts, upscale, priority, ...numGpus, idempotencyKey, retryOf, now: this.commands.now(), actor: request.actor };
    const step = queueJobStep(jobRequest, plan.runs.map(() => ids.run()));
    const { accepted, events, eventIds } = await this.commands.issueForEvents(jobDecider, step.command, request, {
      streamId: jobStream(jobId),
      commandId: step.commandId,
      readModels: JOB_READ_MODELS,
    });
    // On a repeat these are the first request's events: its run ids are the ones to request.
    const queuedAt = events.findIndex((event) => event.type === 'JobQueued');
    const queued = events[queuedAt] as JobQueued | undefined;
    if (queued === undefined) throw new Error(`job ${jobId} answered QueueJob without JobQueued`);
    const next = afterQueued(queued.data, step.command);
    if (next.kind === 'key_reused') throw new IdempotencyKeyReused(idempotencyKey!, jobId, [...next.differences]);
    const causationId = eventIds[queuedAt];
    for (const { commandId, command } of next.runs) {
      await this.commands.issue(runDecider, command, request, { streamId: runStream(command.runId), commandId, readModels: RUN_READ_MODELS, causationId });
    }
    const { runIds } = queued.data;
    const doc = await readJob(this.documents, jobId);
    const runs = (await Promise.all(runIds.map((runId) => this.catalog.run(runId)))).flatMap((run) => (run ? [Run.from(run)] : []));
    return Object.assign(new JobRequested(), { accepted, job: doc && Job.from(doc), runs });
  }
}
