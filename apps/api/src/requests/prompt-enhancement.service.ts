import { Inject, Injectable } from '@nestjs/common';
import { type FieldProblem, InvalidInput, PromptHasActiveRuns, PromptHasRuns, PromptNotFound, resolveEnhanceConfig } from '../../../../libs/domain/src/index.js';
import { summarizeFiles } from '../../../../libs/media/src/index.js';
import type { CatalogQueries } from '../../../../libs/read-models/src/index.js';
import { DeletionPreview } from '../deletion/deletion-preview.model.js';
import type { DeletionPlan } from '../deletion/deletion.planner.js';
import { DeletionService } from '../deletion/deletion.service.js';
import { RunOutputFolders } from '../deletion/run-output-folders.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import type { RequestContext } from '../graphql/request-context.js';
import type { EnhancePromptInput } from './enhance-prompt.input.js';
import type { CheckedEnhanceRequest } from './enhance-request.js';
import { collectConfig, definedOnly, jobOptions } from './job-options.js';
import { JobRequests } from './job-requests.service.js';
import type { JobRequested } from './requests.results.js';

/**
 * enhancePrompt: the OVERWRITE rule and its `force` way out sit here, in front of the job request.
 * Runs are deleted the way deletion deletes them (events first, output files kept), after the same
 * preview deletionPreview shows, and only once every check has passed.
 */
@Injectable()
export class PromptEnhancement {
  constructor(
    private readonly requests: JobRequests,
    private readonly deletion: DeletionService,
    private readonly folders: RunOutputFolders,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
  ) {}

  async enhance(input: EnhancePromptInput, request: RequestContext): Promise<JobRequested> {
    const checked = await this.check(input);
    return this.requests.requestEnhance(checked, request, async () => {
      for (const run of checked.runsToDelete) await this.deletion.deleteRun(run.id, false, request);
    });
  }

  private async check(input: EnhancePromptInput): Promise<CheckedEnhanceRequest> {
    const problems: FieldProblem[] = [];
    const config = collectConfig(() => resolveEnhanceConfig(definedOnly({ model: input.model, mode: input.mode })), problems);
    // The prompt upsampler runs on one GPU: an enhance request has no numGpus to name.
    const options = jobOptions(input, problems, { kind: 'enhance', numGpus: 1 });
    if (problems.length > 0 || config === null) throw new InvalidInput(problems);

    const prompt = await this.catalog.prompt(input.promptId);
    if (prompt === null) throw new PromptNotFound(input.promptId);
    if (prompt.modelType !== 'transfer') {
      throw new InvalidInput([{ field: 'input.promptId', problem: `prompt ${prompt.id} is for the ${prompt.modelType} model; the upsampler enhances Cosmos Transfer prompts` }]);
    }
    if (config.mode === 'create_new') return { ...options, prompt, config, runsToDelete: [] };

    // Enhancement runs read the text and write it back; every other run was made from the text OVERWRITE replaces.
    const made = (await this.catalog.runsOfPrompt(prompt.id)).filter((run) => run.kind !== 'enhance');
    if (made.length === 0) return { ...options, prompt, config, runsToDelete: [] };
    const preview = await this.preview({ prompts: [], runs: made });
    if (!input.force) throw new PromptHasRuns(prompt.id, preview.runIds, preview);
    if (preview.blocked) throw new PromptHasActiveRuns(prompt.id, preview.activeRunIds);
    return { ...options, prompt, config, runsToDelete: made };
  }

  private async preview(plan: DeletionPlan): Promise<DeletionPreview> {
    const files = await this.folders.files(plan.runs.map((run) => run.id));
    return DeletionPreview.from(plan, summarizeFiles(files), false);
  }
}
