import { Inject } from '@nestjs/common';
import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { runDecider, runStream } from '../../../../libs/domain/src/index.js';
import { type CatalogQueries, DOCUMENT_STORE, type DocumentStore, type RunDoc, type RunFilter, runsProjection } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { connectionFields } from '../graphql/page.model.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import { documentUpdates } from '../graphql/document-updates.js';
import { RunFilterInput, RunSortValue } from '../graphql/filters.input.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Prompt } from '../prompts/prompt.model.js';
import { RateRunInput } from './rate-run.input.js';
import { Run, RunConnection } from './run.model.js';
import { RateRunResult, RunRated, RunUpdate } from './run.results.js';

@Resolver(() => Run)
export class RunsResolver {
  constructor(
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly commands: CommandIssuer,
  ) {}

  @Query(() => RunConnection, { description: 'Runs, newest first unless sorted otherwise.' })
  async runs(
    @Args('filter', { type: () => RunFilterInput, nullable: true }) filter?: RunFilterInput,
    @Args('sort', { type: () => RunSortValue, nullable: true }) sort?: RunSortValue,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<RunConnection> {
    const page = await this.catalog.runs(toRunFilter(filter), sort ?? RunSortValue.newest, { first, after }, new Date(this.commands.now()));
    return Object.assign(new RunConnection(), connectionFields(page, (doc) => Run.from(doc)));
  }

  @Query(() => Run, { nullable: true })
  async run(@Args('id') id: string): Promise<Run | null> {
    const doc = await this.catalog.run(id);
    return doc && Run.from(doc);
  }

  @ResolveField(() => Prompt, { nullable: true, description: 'Null once the prompt is deleted.' })
  async prompt(@Parent() run: Run): Promise<Prompt | null> {
    const doc = await this.catalog.prompt(run.promptId);
    return doc && Prompt.from(doc);
  }

  @ResolveField(() => Run, { nullable: true, description: 'For upscales: the run that was upscaled.' })
  async sourceRun(@Parent() run: Run): Promise<Run | null> {
    if (!run.sourceRunId) return null;
    const doc = await this.catalog.run(run.sourceRunId);
    return doc && Run.from(doc);
  }

  @ResolveField(() => [Run], { description: 'Upscales of this run, newest first.' })
  async upscales(@Parent() run: Run): Promise<Run[]> {
    return (await this.catalog.upscalesOf(run.id)).map((doc) => Run.from(doc));
  }

  @Requires('operator')
  @Mutation(() => RateRunResult, { description: 'Rate a completed run 1..5, or clear its rating with null.' })
  async rateRun(@Context() request: RequestContext, @Args('input') input: RateRunInput): Promise<typeof RateRunResult> {
    const command = { type: 'RateRun' as const, runId: input.runId, rating: input.rating ?? null, now: this.commands.now(), actor: request.actor };
    const accepted = await this.commands.issue(runDecider, command, request, {
      streamId: runStream(input.runId),
      expectedRevision: input.expectedRevision,
      readModels: [runsProjection.name],
    });
    return Object.assign(new RunRated(), { accepted, run: await this.run(input.runId) });
  }

  @Subscription(() => RunUpdate, {
    description: 'Each run change (or only those of `id`), once the read model has it.',
    resolve: (update: RunUpdate) => update,
  })
  async *runUpdated(@Args('id', { type: () => String, nullable: true }) id?: string): AsyncGenerator<RunUpdate> {
    for await (const { id: changed, doc } of documentUpdates<RunDoc>(this.documents, runsProjection.collection, id)) {
      yield Object.assign(new RunUpdate(), { runId: changed, deleted: doc === null, run: doc && Run.from(doc) });
    }
  }
}

function toRunFilter(input?: RunFilterInput): RunFilter {
  if (!input) return {};
  return {
    ...input,
    createdAfter: input.createdAfter?.toISOString() ?? null,
    createdBefore: input.createdBefore?.toISOString() ?? null,
  };
}
