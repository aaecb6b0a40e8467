import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { jobDecider } from '../../../../libs/domain/src/job/job.decider.js';
import { jobStream } from '../../../../libs/domain/src/job/job.events.js';
import { ids } from '../../../../libs/eventstore/src/ids.js';
import type { CatalogQueries } from '../../../../libs/read-models/src/catalog/catalog.queries.js';
import { DOCUMENT_STORE, type DocumentStore } from '../../../../libs/read-models/src/document-store.port.js';
import { jobsProjection } from '../../../../libs/read-models/src/jobs/jobs.projection.js';
import { job as readJob } from '../../../../libs/read-models/src/jobs/jobs.queries.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Job } from '../jobs/job.model.js';
import { checkInferenceRequest, dryRun } from './inference-request.js';
import { CancelJobInput, RetryJobInput, SetJobPriorityInput } from './job-commands.inputs.js';
import { JobRequests } from './job-requests.service.js';
import { RequestInferenceInput } from './request-inference.input.js';
import { CancelJobResult, JobPriorityChanged, RequestInferenceResult, RetryJobResult, SetJobPriorityResult } from './requests.results.js';

@Resolver()
export class RequestsResolver {
  constructor(
    private readonly requests: JobRequests,
    private readonly commands: CommandIssuer,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
  ) {}

  @Mutation(() => RequestInferenceResult, {
    description: 'Queue Cosmos Transfer inference: one prompt, one inference job; several, one batch_inference job with a run per prompt.',
  })
  async requestInference(@Context() request: RequestContext, @Args('input') input: RequestInferenceInput): Promise<typeof RequestInferenceResult> {
    const checked = await checkInferenceRequest(input, this.catalog);
    if (input.dryRun) return dryRun(checked, ids.job(), checked.prompts.map(() => ids.run()));
    return this.requests.requestInference(checked, request);
  }

  @Mutation(() => CancelJobResult, { description: 'A queued job is cancelled with its runs; a running one once its container is killed.' })
  async cancelJob(@Context() request: RequestContext, @Args('input') input: CancelJobInput): Promise<typeof CancelJobResult> {
    return this.requests.cancel(input.jobId, input.reason ?? '', request);
  }

  @Mutation(() => SetJobPriorityResult, { description: 'Move a queued job up or down the queue.' })
  async setJobPriority(@Context() request: RequestContext, @Args('input') input: SetJobPriorityInput): Promise<typeof SetJobPriorityResult> {
    const command = { type: 'ChangeJobPriority' as const, jobId: input.jobId, priority: input.priority, now: this.commands.now(), actor: request.actor };
    const accepted = await this.commands.issue(jobDecider, command, request, { streamId: jobStream(input.jobId), readModels: [jobsProjection.name] });
    const doc = await readJob(this.documents, input.jobId);
    return Object.assign(new JobPriorityChanged(), { accepted, job: doc && Job.from(doc) });
  }

  @Mutation(() => RetryJobResult, { description: 'Queue a copy of a failed or cancelled job (asking again answers the same copy).' })
  async retryJob(@Context() request: RequestContext, @Args('input') input: RetryJobInput): Promise<typeof RetryJobResult> {
    return this.requests.retry(input.jobId, request);
  }
}
