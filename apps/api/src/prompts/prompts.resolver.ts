import { Inject } from '@nestjs/common';
import { Args, Context, Int, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { type CatalogQueries, DOCUMENT_STORE, type DocumentStore, type PromptDoc, promptsProjection } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import { documentUpdates } from '../graphql/document-updates.js';
import { PromptFilterInput, PromptSortValue } from '../graphql/filters.input.js';
import type { RequestContext } from '../graphql/request-context.js';
import { Run } from '../runs/run.model.js';
import { CreatePromptInput } from './create-prompt.input.js';
import { Lineage, LineageEdge } from './lineage.model.js';
import { PromptCreationService } from './prompt-creation.service.js';
import { Prompt, PromptConnection, PromptEdge, RunStatistics, TextMatch, TextReplacement } from './prompt.model.js';
import { CreatePromptResult, PromptChange, PromptCreated } from './prompt.results.js';

@Resolver(() => Prompt)
export class PromptsResolver {
  constructor(
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    private readonly creation: PromptCreationService,
    private readonly commands: CommandIssuer,
  ) {}

  @Query(() => PromptConnection, { description: 'Prompts, newest first unless sorted otherwise.' })
  async prompts(
    @Args('filter', { type: () => PromptFilterInput, nullable: true }) filter?: PromptFilterInput,
    @Args('sort', { type: () => PromptSortValue, nullable: true }) sort?: PromptSortValue,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<PromptConnection> {
    const page = await this.catalog.prompts(filter ?? {}, sort ?? PromptSortValue.newest, { first, after }, new Date(this.commands.now()));
    return Object.assign(new PromptConnection(), {
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      edges: page.items.map(({ cursor, node }) =>
        Object.assign(new PromptEdge(), {
          cursor,
          node: Prompt.from(node.prompt),
          matches: node.matches.map((m) => Object.assign(new TextMatch(), m)),
        }),
      ),
    });
  }

  @Query(() => Prompt, { nullable: true })
  async prompt(@Args('id') id: string): Promise<Prompt | null> {
    const doc = await this.catalog.prompt(id);
    return doc && Prompt.from(doc);
  }

  @Query(() => Lineage, { nullable: true, description: 'The enhancement tree around a prompt (null when the prompt does not exist).' })
  async lineage(@Args('promptId') promptId: string): Promise<Lineage | null> {
    const lineage = await this.catalog.lineage(promptId);
    if (!lineage) return null;
    return Object.assign(new Lineage(), {
      promptId: lineage.promptId,
      ancestors: lineage.ancestors.map((doc) => Prompt.from(doc)),
      descendants: lineage.descendants.map((doc) => Prompt.from(doc)),
      edges: lineage.edges.map((edge) => Object.assign(new LineageEdge(), { ...edge, at: new Date(edge.at) })),
      textReplacements: lineage.textReplacements.map((r) => Object.assign(new TextReplacement(), { ...r, at: new Date(r.at) })),
    });
  }

  @ResolveField(() => [Run], { description: 'Every run of this prompt, newest first.' })
  async runs(@Parent() prompt: Prompt): Promise<Run[]> {
    return (await this.catalog.runsOfPrompt(prompt.id)).map((doc) => Run.from(doc));
  }

  @ResolveField(() => RunStatistics)
  async statistics(@Parent() prompt: Prompt): Promise<RunStatistics> {
    return Object.assign(new RunStatistics(), await this.catalog.runStatistics(prompt.id));
  }

  @Requires('operator')
  @Mutation(() => CreatePromptResult, { description: 'Create a prompt from text and a folder of input videos (probed with ffprobe).' })
  async createPrompt(@Context() request: RequestContext, @Args('input') input: CreatePromptInput): Promise<typeof CreatePromptResult> {
    const { accepted, promptId } = await this.creation.create(input, request);
    const doc = await this.catalog.prompt(promptId);
    return Object.assign(new PromptCreated(), { accepted, prompt: doc && Prompt.from(doc) });
  }

  @Subscription(() => PromptChange, {
    description: 'Each prompt change (or only those of `id`), once the read model has it.',
    resolve: (change: PromptChange) => change,
  })
  async *promptChanged(@Args('id', { type: () => String, nullable: true }) id?: string): AsyncGenerator<PromptChange> {
    for await (const { id: changed, doc } of documentUpdates<PromptDoc>(this.documents, promptsProjection.collection, id)) {
      yield Object.assign(new PromptChange(), { promptId: changed, deleted: doc === null, prompt: doc && Prompt.from(doc) });
    }
  }
}
