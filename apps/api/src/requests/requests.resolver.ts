import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { ids, jobDecider, jobStream } from '../../../../libs/domain/src/index.js';
import { type CatalogQueries, DOCUMENT_STORE, type DocumentStore, job as readJob, jobsProjection } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Job } from '../jobs/job.model.js';
import { checkInferenceRequest, dryRun } from './inference-request.js';
import { CancelJobInput, RetryJobInput, SetJobPriorityInput } from './job-commands.inputs.js';
import { gpuDefault } from './job-options.js';
import { JobRequests } from './job-requests.service.js';
import { RequestInferenceInput } from './request-inference.input.js';
import { RequestUpscaleInput } from './request-upscale.input.js';
import { EnhancePromptInput } from './enhance-prompt.input.js';
import { PromptEnhancement } from './prompt-enhancement.service.js';
import { checkUpscaleRequest, upscaleDryRun } from './upscale-request.js';
import { CancelJobResult, EnhancePromptResult, JobPriorityChanged, RequestInferenceResult, RequestUpscaleResult, RetryJobResult, SetJobPriorityResult } from './requests.results.js';

@Resolver()
export class RequestsResolver {
  constructor(
    private readonly requests: JobRequests,
    private readonly enhancement: PromptEnhancement,
    private readonly commands: CommandIssuer,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
  ) {}

  @Requires('operator')
  @Mutation(() => RequestInferenceResult, {
    description: 'Queue Cosmos Transfer inference: one prompt, one inference job; several, one batch_inference job with a run per prompt.',
  })
  async requestInference(@Context() request: RequestContext, @Args('input') input: RequestInferenceInput): Promise<typeof RequestInferenceResult> {
    const checked = await checkInferenceRequest(input, this.catalog, gpuDefault(this.config, 'inference'));
    if (input.dryRun) return dryRun(checked, ids.job(), checked.prompts.map(() => ids.run()));
    return this.requests.requestInference(checked, request);
  }

  @Requires('operator')
  @Mutation(() => RequestUpscaleResult, {
    description: 'Queue a 4K upscale of a completed run\'s output video or of a video under the inputs root: one upscale job, one run linked to its source.',
  })
  async requestUpscale(@Context() request: RequestContext, @Args('input') input: RequestUpscaleInput): Promise<typeof RequestUpscaleResult> {
    const checked = await checkUpscaleRequest(input, this.catalog, this.config.paths.inputsRoot, gpuDefault(this.config, 'upscale'));
    if (input.dryRun) return upscaleDryRun(checked, ids.run());
    return this.requests.requestUpscale(checked, request);
  }

  @Requires('operator')
  @Mutation(() => EnhancePromptResult, {
    description: 'Queue a Pixtral prompt enhancement: CREATE_NEW makes a linked <name>_enhanced prompt; OVERWRITE replaces the text, refused while runs were made from it unless force.',
  })
  async enhancePrompt(@Context() request: RequestContext, @Args('input') input: EnhancePromptInput): Promise<typeof EnhancePromptResult> {
    return this.enhancement.enhance(input, request);
  }

  @Requires('operator')
  @Mutation(() => CancelJobResult, { description: 'A queued job is cancelled with its runs; a running one once its container is killed.' })
  async cancelJob(@Context() request: RequestContext, @Args('input') input: CancelJobInput): Promise<typeof CancelJobResult> {
    return this.requests.cancel(input.jobId, input.reason ?? '', request);
  }

  @Requires('operator')
  @Mutation(() => SetJobPriorityResult, { description: 'Move a queued job up or down the queue.' })
  async setJobPriority(@Context() request: RequestContext, @Args('input') input: SetJobPriorityInput): Promise<typeof SetJobPriorityResult> {
    const command = { type: 'ChangeJobPriority' as const, jobId: input.jobId, priority: input.priority, now: this.commands.now(), actor: request.actor };
    const accepted = await this.commands.issue(jobDecider, command, request, { streamId: jobStream(input.jobId), readModels: [jobsProjection.name] });
    const doc = await readJob(this.documents, input.jobId);
    return Object.assign(new JobPriorityChanged(), { accepted, job: doc && Job.from(doc) });
  }

  @Requires('operator')
  @Mutation(() => RetryJobResult, { description: 'Queue a copy of a failed or cancelled job (asking again answers the same copy).' })
  async retryJob(@Context() request: RequestContext, @Args('input') input: RetryJobInput): Promise<typeof RetryJobResult> {
    return this.requests.retry(input.jobId, request);
  }
}
