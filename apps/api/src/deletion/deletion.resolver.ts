import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { summarizeFiles } from '../../../../libs/media/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import type { RequestContext } from '../graphql/request-context.js';
import { DeletionPreview } from './deletion-preview.model.js';
import { DeleteAllInput, DeletePromptInput, DeleteRunInput, DeletionTargetInput, toDeletionTarget } from './deletion.inputs.js';
import { DeletionPlanner, plannedRuns } from './deletion.planner.js';
import { BulkDeleted, DeleteAllResult, DeletePromptResult, DeleteRunResult, PromptDeleted, RunDeleted, SkippedDeletion } from './deletion.results.js';
import { DeletionService, type BulkDeletion } from './deletion.service.js';
import { RunOutputFolders } from './run-output-folders.js';

@Resolver()
export class DeletionResolver {
  constructor(
    private readonly planner: DeletionPlanner,
    private readonly folders: RunOutputFolders,
    private readonly deletion: DeletionService,
  ) {}

  @Query(() => DeletionPreview, { description: 'What deleting a prompt, a run, every prompt or every run would remove, and what stays.' })
  async deletionPreview(
    @Args('target') target: DeletionTargetInput,
    @Args('deleteOutputs', { type: () => Boolean, defaultValue: false }) deleteOutputs: boolean,
  ): Promise<DeletionPreview> {
    const plan = await this.planner.plan(toDeletionTarget(target));
    const files = await this.folders.files(plannedRuns(plan).map((run) => run.id));
    return DeletionPreview.from(plan, summarizeFiles(files), deleteOutputs);
  }

  @Requires('operator')
  @Mutation(() => DeletePromptResult, { description: 'Delete a prompt and its runs (refused while any run is active). Output files stay unless deleteOutputs.' })
  async deletePrompt(@Context() request: RequestContext, @Args('input') input: DeletePromptInput): Promise<typeof DeletePromptResult> {
    const deleted = await this.deletion.deletePrompt(input.promptId, input, request);
    return Object.assign(new PromptDeleted(), deleted);
  }

  @Requires('operator')
  @Mutation(() => DeleteRunResult, { description: 'Delete a finished run. Output files stay unless deleteOutputs.' })
  async deleteRun(@Context() request: RequestContext, @Args('input') input: DeleteRunInput): Promise<typeof DeleteRunResult> {
    return Object.assign(new RunDeleted(), await this.deletion.deleteRun(input.runId, input.deleteOutputs, request));
  }

  @Requires('admin')
  @Mutation(() => DeleteAllResult, { description: 'Delete every prompt and its runs, skipping prompts with active runs. Needs confirm: "DELETE ALL".' })
  async deleteAllPrompts(@Context() request: RequestContext, @Args('input') input: DeleteAllInput): Promise<typeof DeleteAllResult> {
    return toBulkDeleted(await this.deletion.deleteAllPrompts(input.deleteOutputs, request));
  }

  @Requires('admin')
  @Mutation(() => DeleteAllResult, { description: 'Delete every finished run (prompts stay), skipping active ones. Needs confirm: "DELETE ALL".' })
  async deleteAllRuns(@Context() request: RequestContext, @Args('input') input: DeleteAllInput): Promise<typeof DeleteAllResult> {
    return toBulkDeleted(await this.deletion.deleteAllRuns(input.deleteOutputs, request));
  }
}

function toBulkDeleted(bulk: BulkDeletion): BulkDeleted {
  return Object.assign(new BulkDeleted(), { ...bulk, skipped: bulk.skipped.map((skip) => Object.assign(new SkippedDeletion(), skip)) });
}
