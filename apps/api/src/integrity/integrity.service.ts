import { Inject, Injectable } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { DomainError, jobDecider, jobStream, runDecider, runStream } from '../../../../libs/domain/src/index.js';
import { CLOCK, type Clock, EVENT_STORE, EVENT_TYPE_REGISTRY, type EventStore, type EventTypeRegistry, lastEvent } from '../../../../libs/eventstore/src/index.js';
import { type CatalogQueries, DOCUMENT_STORE, type DocumentStore, everyPrompt, everyRun, type JobDoc, jobsProjection, type ProjectedFields, type RunDoc, runsProjection } from '../../../../libs/read-models/src/index.js';
import { SmartBatching } from '../batching/smart-batching.service.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { IntegrityActionKind, IntegrityIssueKind } from './integrity-report.model.js';
import { stalledJobs, stuckRuns } from './live-jobs.js';
import { ProjectionDriftCheck } from './projection-drift.check.js';
import { missingInputs, missingOutputs, orphanFolders, type Finding } from './storage.checks.js';
import { unfinishedBatches } from './unfinished-batches.js';

export interface IntegrityFindings {
  readonly checkedPrompts: number;
  readonly checkedRuns: number;
  readonly issues: readonly Finding[];
  readonly actions: readonly { readonly kind: IntegrityActionKind; readonly subject: string; readonly detail: string }[];
  readonly projectionsChecked: readonly string[];
  readonly notes: readonly string[];
}

/**
 * verify_integrity done over everything (the predecessor looked at the newest 50 prompts and runs
 * and never counted orphaned folders). `fix` repairs only what the events own: it rebuilds drifted
 * read models, fails stuck runs, cancels stalled jobs and completes batches smart batching left
 * unfinished; it never deletes or moves user files.
 */
@Injectable()
export class IntegrityService {
  /** Checks run one at a time: they share the shadow collections. */
  private previous: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(EVENT_TYPE_REGISTRY) private readonly registry: EventTypeRegistry,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly commands: CommandIssuer,
    private readonly drift: ProjectionDriftCheck,
    private readonly batching: SmartBatching,
  ) {}

  verify(fix: boolean, request: RequestContext): Promise<IntegrityFindings> {
    const next = this.previous.then(() => this.check(fix, request));
    this.previous = next.catch(() => undefined);
    return next;
  }

  private async check(fix: boolean, request: RequestContext): Promise<IntegrityFindings> {
    const issues: Finding[] = [];
    const actions: IntegrityFindings['actions'][number][] = [];
    const notes: string[] = [];

    // Read models first: with `fix`, the checks below then read rebuilt ones.
    const drift = await this.drift.check();
    notes.push(...drift.notes);
    for (const { projection, detail } of drift.drifted) {
      issues.push({ kind: IntegrityIssueKind.PROJECTION_DRIFT, subject: projection, detail });
      if (!fix) continue;
      const rebuilt = await this.drift.rebuild(projection);
      actions.push({ kind: IntegrityActionKind.REBUILT_PROJECTION, subject: projection, detail: `Rebuilt from ${rebuilt.processedEvents} events.` });
    }

    const now = this.clock.now();
    const [prompts, runs] = await Promise.all([everyPrompt(this.catalog, now), everyRun(this.catalog, now)]);
    const { inputsRoot, outputsRoot } = this.config.paths;
    issues.push(...(await missingOutputs(outputsRoot, runs)));
    issues.push(...(await missingInputs(inputsRoot, prompts)));
    issues.push(...(await orphanFolders(outputsRoot, new Set(runs.map((run) => run.id)), { events: this.events, registry: this.registry })));

    for (const run of await stuckRuns(this.documents, runs, now)) {
      issues.push({ kind: IntegrityIssueKind.STUCK_RUN, subject: run.id, detail: `${run.status} since ${run.statusChangedAt}, and no live job is executing it.` });
      if (!fix) continue;
      const failed = await this.failOrphan(run, request);
      if (failed) actions.push({ kind: IntegrityActionKind.FAILED_ORPHAN_RUN, subject: run.id, detail: failed });
      else notes.push(`Run ${run.id} changed while it was checked; it was left as it is.`);
    }

    for (const job of await stalledJobs(this.documents, new Set(runs.map((run) => run.id)), now)) {
      issues.push({ kind: IntegrityIssueKind.STALLED_JOB, subject: job.id, detail: `queued since ${job.queuedAt}, but some of its runs were never recorded.` });
      if (!fix) continue;
      const cancelled = await this.cancelStalled(job, request);
      if (cancelled) actions.push({ kind: IntegrityActionKind.CANCELLED_STALLED_JOB, subject: job.id, detail: cancelled });
      else notes.push(`Job ${job.id} changed while it was checked; it was left as it is.`);
    }

    for (const batch of await unfinishedBatches(this.documents, now)) {
      const sources = batch.sources.map((job) => job.id).join(', ');
      issues.push({ kind: IntegrityIssueKind.UNFINISHED_BATCH, subject: batch.batchJobId, detail: `merged from ${sources}, but never queued: their runs wait for it.` });
      if (!fix) continue;
      // The same steps an apply ends with; each repeats as a no-op, so an apply still running does no harm.
      const queued = await this.batching.completeBatch(batch.batchJobId, batch.sources, request);
      if (queued) actions.push({ kind: IntegrityActionKind.COMPLETED_BATCH, subject: batch.batchJobId, detail: `Queued with ${queued.runIds.length} runs of ${sources}.` });
      else notes.push(`Batch ${batch.batchJobId} was not queued: none of the runs of ${sources} could still be moved into it.`);
    }

    return { checkedPrompts: prompts.length, checkedRuns: runs.length, issues, actions, projectionsChecked: drift.checked, notes };
  }

  /** The reason recorded with the cancel, or null when the job was claimed or ended meanwhile. */
  private async cancelStalled(job: JobDoc & ProjectedFields, request: RequestContext): Promise<string | null> {
    const reason = 'its request was cut off before all of its runs were recorded; cancelled by verifyIntegrity (request it again)';
    const command = { type: 'RequestCancel' as const, jobId: job.id, reason, now: this.commands.now(), actor: request.actor };
    // At the stream revision the check saw it queued at: a job a worker claimed since is no longer stalled, and must not be asked to stop.
    const last = await lastEvent(this.events, jobStream(job.id));
    if (last === null || last.position !== job._position) return null;
    const options = { streamId: jobStream(job.id), expectedRevision: last.revision, readModels: [jobsProjection.name] };
    const state = await this.commands.issueForEvents(jobDecider, command, request, options).catch((error: unknown) => {
      if (error instanceof DomainError) return null;
      throw error;
    });
    return state?.events.some((event) => event.type === 'JobCancelled') ? `Cancelled: ${reason}` : null;
  }

  /** The message recorded with the failure, or null when the run finished or went meanwhile. */
  private async failOrphan(run: RunDoc, request: RequestContext): Promise<string | null> {
    const message = `No live job was executing this run (${run.status} since ${run.statusChangedAt}); failed by verifyIntegrity.`;
    const command = { type: 'FailRun' as const, runId: run.id, reason: 'ORPHANED' as const, message, exitCode: null, now: this.commands.now() };
    try {
      await this.commands.issue(runDecider, command, request, { streamId: runStream(run.id), readModels: [runsProjection.name] });
      return `Failed with reason ORPHANED: ${message}`;
    } catch (error) {
      // RUN_NOT_ACTIVE or NOT_FOUND: it finished or was deleted since it was read; nothing to fix.
      if (error instanceof DomainError) return null;
      throw error;
    }
  }
}
