import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { compareQueued, JobNotActive, JobNotFound, JobNotQueued } from '../../../../libs/domain/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, type JobDoc, JOBS_COLLECTION } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Job, JobStatusValue } from '../jobs/job.model.js';
import { JobRequests } from '../requests/job-requests.service.js';
import {
  CancelJobsInput,
  CancelJobsResult,
  CLEAR_QUEUE_CONFIRMATION,
  ClearNotConfirmed,
  ClearQueueInput,
  ClearQueueResult,
  JobCancelOutcomeValue,
  JobCancelResult,
  JobsCancelled,
  QueueCleared,
} from './bulk-cancel.model.js';

/** Several cancels in one request: each job is still its own command, decided by its own stream. */
@Resolver()
export class BulkCancelResolver {
  constructor(
    private readonly requests: JobRequests,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  @Requires('operator')
  @Mutation(() => CancelJobsResult, { description: 'Cancel several jobs: queued ones at once, running ones once their containers are killed.' })
  async cancelJobs(@Context() request: RequestContext, @Args('input') input: CancelJobsInput): Promise<typeof CancelJobsResult> {
    const results: JobCancelResult[] = [];
    for (const jobId of [...new Set(input.jobIds)]) results.push((await this.cancelOne(jobId, input.reason ?? '', request))!);
    return Object.assign(new JobsCancelled(), { results });
  }

  @Requires('operator')
  @Mutation(() => ClearQueueResult, { description: `Cancel every queued job (running ones keep running). Needs confirm: "${CLEAR_QUEUE_CONFIRMATION}".` })
  async clearQueue(@Context() request: RequestContext, @Args('input', { type: () => ClearQueueInput, nullable: true }) input?: ClearQueueInput): Promise<typeof ClearQueueResult> {
    const queued = (await this.documents.find<JobDoc>(JOBS_COLLECTION, { status: 'queued' })).sort((a, b) => compareQueued({ ...a, jobId: a.id }, { ...b, jobId: b.id }));
    if (input?.confirm !== CLEAR_QUEUE_CONFIRMATION) {
      return Object.assign(new ClearNotConfirmed(), {
        code: 'CLEAR_NOT_CONFIRMED',
        message: `${queued.length} queued job(s) would be cancelled; repeat with confirm: "${CLEAR_QUEUE_CONFIRMATION}"`,
        queuedJobIds: queued.map((job) => job.id),
      });
    }
    const cancelled: string[] = [];
    const skipped: string[] = [];
    for (const job of queued) {
      const result = await this.cancelOne(job.id, input.reason ?? 'queue cleared', request, { queuedOnly: true });
      (result?.outcome === JobCancelOutcomeValue.CANCELLED ? cancelled : skipped).push(job.id);
    }
    return Object.assign(new QueueCleared(), { cancelledJobIds: cancelled, skippedJobIds: skipped });
  }

  /** `queuedOnly`: a job a node claimed since the queue was read keeps running (its stream decides); it answers null. */
  private async cancelOne(jobId: string, reason: string, request: RequestContext, options: { queuedOnly?: boolean } = {}): Promise<JobCancelResult | null> {
    const result = (outcome: JobCancelOutcomeValue, message: string, job: Job | null) => Object.assign(new JobCancelResult(), { jobId, outcome, message, job });
    try {
      // The cancel answers the job as the read model shows it afterwards: no second read.
      const { job } = await this.requests.cancel(jobId, reason, request, options);
      if (job?.status === JobStatusValue.cancelled) return result(JobCancelOutcomeValue.CANCELLED, `${jobId} cancelled with its runs`, job);
      return result(JobCancelOutcomeValue.CANCEL_REQUESTED, `${jobId} runs on ${job?.node ?? 'a node'}; its worker kills the container, then records the cancel`, job);
    } catch (error) {
      if (error instanceof JobNotFound) return result(JobCancelOutcomeValue.NOT_FOUND, error.message, null);
      if (error instanceof JobNotActive) {
        const doc = await this.documents.get<JobDoc>(JOBS_COLLECTION, jobId);
        return result(JobCancelOutcomeValue.ALREADY_ENDED, error.message, doc && Job.from(doc));
      }
      if (error instanceof JobNotQueued && options.queuedOnly) return null;
      throw error;
    }
  }
}
