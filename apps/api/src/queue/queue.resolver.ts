import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { JOB_KINDS, QUEUE_STREAM, queueDecider } from '../../../../libs/domain/src/index.js';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { DOCUMENT_STORE, type DocumentStore, QUEUE_DOCUMENT_ID, type QueueDoc, queueProjection, queueState, queueView, type QueueView } from '../../../../libs/read-models/src/index.js';
import { Requires } from '../auth/requires.decorator.js';
import { CommandIssuer } from '../graphql/command.issuer.js';
import type { RequestContext } from '../graphql/request-context.js';
import { DurationEstimate, QueueItem, RunningJob } from '../jobs/queue-view.model.js';
import { ChangeQueueStateInput } from './queue.inputs.js';
import { Queue } from './queue.model.js';
import { PauseQueueResult, QueueChanged, ResumeQueueResult } from './queue.results.js';

@Resolver(() => Queue)
export class QueueResolver {
  /** One view per Queue object: `items`, `running` and `estimates` of one answer share a read and a `now`. */
  private readonly views = new WeakMap<Queue, Promise<QueueView>>();

  /** Nodes the queue is spread over; with none configured, the simulated node stands in. */
  private readonly nodeCount: number;

  constructor(
    private readonly commands: CommandIssuer,
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(COSMOS_CONFIG) config: CosmosConfig,
  ) {
    this.nodeCount = Math.max(1, config.gpu.nodes.length);
  }

  @Query(() => Queue, { description: 'The queue as the read model shows it now.' })
  async queue(): Promise<Queue> {
    return Queue.from(await this.read());
  }

  @ResolveField(() => [QueueItem], { description: 'Queued jobs in claim order (higher priority, then first queued), with expected waits.' })
  async items(@Parent() queue: Queue): Promise<QueueItem[]> {
    return (await this.view(queue)).items.map((item) => QueueItem.from(item));
  }

  @ResolveField(() => [RunningJob], { description: 'Jobs a node holds now, oldest claim first.' })
  async running(@Parent() queue: Queue): Promise<RunningJob[]> {
    return (await this.view(queue)).running.map((item) => RunningJob.from(item));
  }

  @ResolveField(() => [DurationEstimate], { description: 'The duration of each kind the ETAs assume, and where it came from.' })
  async estimates(@Parent() queue: Queue): Promise<DurationEstimate[]> {
    const { durationsUsed } = await this.view(queue);
    return JOB_KINDS.map((kind) => DurationEstimate.from(kind, durationsUsed[kind]));
  }

  @Requires('operator')
  @Mutation(() => PauseQueueResult, { description: 'Stop GPU nodes from claiming new jobs; running jobs finish.' })
  async pauseQueue(
    @Context() request: RequestContext,
    @Args('input', { type: () => ChangeQueueStateInput, nullable: true }) input?: ChangeQueueStateInput,
  ): Promise<typeof PauseQueueResult> {
    const reason = input?.reason ?? null;
    const command = { type: 'PauseQueue' as const, actor: request.actor, reason, now: this.commands.now() };
    return this.changed(await this.commands.issue(queueDecider, command, request, this.target(input)));
  }

  @Requires('operator')
  @Mutation(() => ResumeQueueResult, { description: 'Let GPU nodes claim jobs again.' })
  async resumeQueue(
    @Context() request: RequestContext,
    @Args('input', { type: () => ChangeQueueStateInput, nullable: true }) input?: ChangeQueueStateInput,
  ): Promise<typeof ResumeQueueResult> {
    const reason = input?.reason ?? null;
    const command = { type: 'ResumeQueue' as const, actor: request.actor, reason, now: this.commands.now() };
    return this.changed(await this.commands.issue(queueDecider, command, request, this.target(input)));
  }

  @Subscription(() => Queue, { description: 'The queue after each change, once the read model has it.', resolve: (queue: Queue) => queue })
  async *queueChanged(): AsyncGenerator<Queue> {
    const watch = this.documents.watch<QueueDoc>(queueProjection.collection);
    try {
      for await (const change of watch) {
        if (change.operation === 'upsert' && change.id === QUEUE_DOCUMENT_ID) yield Queue.from(change.doc);
        if (change.operation === 'reset') yield Queue.from(await this.read());
      }
    } finally {
      await watch.close();
    }
  }

  private target(input?: ChangeQueueStateInput) {
    return { streamId: QUEUE_STREAM, expectedRevision: input?.expectedRevision, readModels: [queueProjection.name] };
  }

  private async changed(accepted: QueueChanged['accepted']): Promise<QueueChanged> {
    return Object.assign(new QueueChanged(), { accepted, queue: Queue.from(await this.read()) });
  }

  private view(queue: Queue): Promise<QueueView> {
    let view = this.views.get(queue);
    if (!view) {
      view = queueView(this.documents, { now: this.commands.now(), nodeCount: this.nodeCount });
      this.views.set(queue, view);
    }
    return view;
  }

  private read(): Promise<QueueDoc> {
    return queueState(this.documents);
  }
}
