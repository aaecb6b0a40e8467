import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type BatchCandidate, type BatchingMode, type BatchPlan, batchPlanDecider, batchPlanStream, batchQueueStep, type BatchSource, compareQueued, ids, jobDecider, JobNotQueued, jobStream, type MergeIntoBatch, mergeSteps, moveSteps, planBatches, type PlannedCommand, resolveInferenceConfig, runDecider, type RunMove, RunNotMovable, runStream } from '../../../../libs/domain/src/index.js';
import { type CatalogQueries, queuedPrompts, DOCUMENT_STORE, type DocumentStore, job as readJob, type JobDoc, JOBS_COLLECTION, jobsProjection, type ProjectedFields, runsProjection } from '../../../../libs/read-models/src/index.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import type { CommandAccepted } from '../graphql/command-accepted.model.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';

const BATCHABLE_KINDS = ['inference', 'batch_inference'];

/** A plan with the jobs it reads and a token for the state it was made from. */
export interface CurrentPlan {
  readonly plan: BatchPlan;
  /** Changes whenever a batchable queued job changes (queued, claimed, reprioritised, cancelled…). */
  readonly basis: string;
  readonly jobs: ReadonlyMap<string, JobDoc>;
}

export interface BatchOutcome {
  readonly batchJobId: string;
  /** The batch job as queued; null when none of its jobs could be merged any more. */
  readonly job: JobDoc | null;
  readonly mergedJobIds: readonly string[];
  /** Claimed or cancelled between the plan and its application: they stay as they were. */
  readonly skippedJobIds: readonly string[];
}

export type ApplyOutcome =
  | { readonly status: 'applied'; readonly planId: string; readonly accepted: CommandAccepted; readonly batches: readonly BatchOutcome[] }
  | { readonly status: 'stale'; readonly current: CurrentPlan }
  | { readonly status: 'nothing'; readonly current: CurrentPlan };

/**
 * Smart batching: queued inference jobs that one model invocation can serve become one
 * batch_inference job, so the model loads once for all of them. Applying spans many streams and no
 * transaction covers them, so it goes in an order where every cut leaves a state the next step
 * (or verifyIntegrity's fix) can finish: the plan is recorded; each source job is merged (its own
 * stream decides whether it is still queued: a job claimed meanwhile is simply left out); its
 * runs move; then the batch job is queued. Every command id derives from the batch job id, so a
 * repeat of any step is recognised and takes effect once.
 */
@Injectable()
export class SmartBatching {
  constructor(
    private readonly commands: CommandIssuer,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  async plan(mode: BatchingMode, maxRunsPerBatch: number): Promise<CurrentPlan> {
    const queued = await this.documents.find<JobDoc & ProjectedFields>(JOBS_COLLECTION, { status: 'queued', kind: { $in: BATCHABLE_KINDS } });
    queued.sort((a, b) => compareQueued({ ...a, jobId: a.id }, { ...b, jobId: b.id }));
    const candidates: BatchCandidate[] = [];
    for (const job of queued) {
      const candidate = await this.candidate(job);
      if (candidate !== null) candidates.push(candidate);
    }
    const basis = createHash('sha256')
      .update(JSON.stringify([mode, maxRunsPerBatch, queued.map((job) => [job.id, job._position])]))
      .digest('base64url')
      .slice(0, 22);
    return { plan: planBatches(candidates, { mode, maxRunsPerBatch }), basis, jobs: new Map(queued.map((job) => [job.id, job])) };
  }

  /** Applies the plan only if the queue is still what `basis` says the caller looked at. */
  async apply(mode: BatchingMode, maxRunsPerBatch: number, basis: string, request: RequestContext): Promise<ApplyOutcome> {
    const current = await this.plan(mode, maxRunsPerBatch);
    if (current.basis !== basis) return { status: 'stale', current };
    if (current.plan.batches.length === 0) return { status: 'nothing', current };
    const planId = ids.batchPlan();
    const batches = current.plan.batches.map((planned) => ({ batchJobId: ids.job(), sourceJobIds: planned.sourceJobIds }));
    const record = { type: 'RecordBatchPlan' as const, planId, mode, maxRunsPerBatch, batches, now: this.commands.now(), actor: request.actor };
    const accepted = await this.commands.issue(batchPlanDecider, record, request, { streamId: batchPlanStream(planId), commandId: `${planId}:record`, readModels: [] });
    const outcomes: BatchOutcome[] = [];
    for (const { batchJobId, sourceJobIds } of batches) {
      const merged: JobDoc[] = [];
      const skippedJobIds: string[] = [];
      for (const step of mergeSteps(batchJobId, sourceJobIds, this.at(request))) {
        if (await this.merge(step, request)) merged.push(current.jobs.get(step.command.jobId)!);
        else skippedJobIds.push(step.command.jobId);
      }
      const job = await this.completeBatch(batchJobId, merged, request);
      outcomes.push({ batchJobId, job, mergedJobIds: merged.map((source) => source.id), skippedJobIds });
    }
    return { status: 'applied', planId, accepted, batches: outcomes };
  }

  /**
   * Moves the merged jobs' runs into the batch job and queues it: the end of an apply, and what
   * verifyIntegrity's fix runs for a batch whose apply was cut short. `merged` in queue order.
   */
  async completeBatch(batchJobId: string, merged: readonly JobDoc[], request: RequestContext): Promise<JobDoc | null> {
    const sources = merged.map(({ id, kind, runIds, promptIds, config, priority, numGpus, queuedAt }): BatchSource => ({ jobId: id, kind, runIds, promptIds, config, priority, numGpus, queuedAt }));
    const moved: RunMove[] = [];
    for (const move of moveSteps(batchJobId, sources, this.at(request))) {
      if (await this.moveRun(move, request)) moved.push(move);
    }
    // The batch generates from what its jobs were queued with (a job queued before v3 kept no prompts: read now, once).
    const wanted = merged.flatMap((job) => job.promptIds.map((promptId) => ({ promptId, known: job.prompts?.[promptId] })));
    const step = batchQueueStep(batchJobId, sources, moved, await queuedPrompts(this.catalog, wanted), this.at(request));
    if (step === null) return null;
    await this.commands.issue(jobDecider, step.command, request, { streamId: jobStream(batchJobId), commandId: step.commandId, readModels: [jobsProjection.name] });
    return readJob(this.documents, batchJobId);
  }

  /** False when the job is no longer queued (claimed or cancelled since the plan): the batch goes on without it. */
  private async merge({ commandId, command }: PlannedCommand<MergeIntoBatch>, request: RequestContext): Promise<boolean> {
    try {
      await this.commands.issue(jobDecider, command, request, { streamId: jobStream(command.jobId), commandId, readModels: [] });
      return true;
    } catch (error) {
      if (error instanceof JobNotQueued) return false;
      throw error;
    }
  }

  /** False for a run that is no longer a pending run of its merged job; the batch goes on without it. */
  private async moveRun({ commandId, command }: RunMove, request: RequestContext): Promise<boolean> {
    try {
      await this.commands.issue(runDecider, command, request, { streamId: runStream(command.runId), commandId, readModels: [runsProjection.name] });
      return true;
    } catch (error) {
      if (error instanceof RunNotMovable) return false;
      throw error;
    }
  }

  private at(request: RequestContext): { now: string; actor: string } {
    return { now: this.commands.now(), actor: request.actor };
  }

  /** Null for a job whose runs or prompts are not readable (yet): it is left out of this plan. */
  private async candidate(job: JobDoc): Promise<BatchCandidate | null> {
    const runs: BatchCandidate['runs'][number][] = [];
    for (const [index, runId] of job.runIds.entries()) {
      const run = await this.catalog.run(runId);
      const prompt = run && (await this.catalog.prompt(run.promptId));
      if (!run || !prompt) return null;
      const promptId = job.promptIds[index] ?? run.promptId;
      // A batch shares one negative prompt: the one each job was queued with (a request may name its own).
      const negativePrompt = job.prompts?.[promptId]?.negativePrompt ?? prompt.negativePrompt;
      runs.push({ runId, promptId, config: resolveInferenceConfig(run.config), negativePrompt });
    }
    return { jobId: job.id, kind: job.kind, priority: job.priority, numGpus: job.numGpus ?? null, queuedAt: job.queuedAt, cancelRequested: job.cancelRequested !== null, runs };
  }
}
