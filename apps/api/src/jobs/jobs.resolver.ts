import { Inject } from '@nestjs/common';
import { Args, Context, Int, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { type CatalogQueries, DOCUMENT_STORE, type DocumentStore, job, type JobDoc, jobs, jobsProjection, type QueueDoc, queueState } from '../../../../libs/read-models/src/index.js';
import { CATALOG_QUERIES } from '../graphql/catalog.provider.js';
import { connectionFields } from '../graphql/page.model.js';
import { documentUpdates } from '../graphql/document-updates.js';
import type { RequestContext } from '../graphql/request-context.js';
import { gpuBlocker, type NodeReach, queueBlocker } from '../nodes/node-health.js';
import { NodeHealth } from '../nodes/node-health.service.js';
import { Run } from '../runs/run.model.js';
import { JobFilterInput } from './job-filter.input.js';
import { Job, JobConnection, JobStatusValue, JobUpdate } from './job.model.js';

@Resolver(() => Job)
export class JobsResolver {
  /**
   * One read per result: every queued job of a page asks in the same pass, before the read
   * settles, and shares it. Forgotten once settled, so a subscription's next push (same socket,
   * same context) reads afresh.
   */
  /** Read once per request, however many jobs it lists: the queue and what the workers said of the nodes. */
  private readonly blockers = new WeakMap<RequestContext, Promise<[QueueDoc, NodeReach[]]>>();

  constructor(
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(CATALOG_QUERIES) private readonly catalog: CatalogQueries,
    private readonly health: NodeHealth,
  ) {}

  @Query(() => Job, { nullable: true })
  async job(@Args('id') id: string): Promise<Job | null> {
    const doc = await job(this.documents, id);
    return doc && Job.from(doc);
  }

  @Query(() => JobConnection, { description: 'Every job, finished ones included, newest queued first.' })
  async jobs(
    @Args('filter', { type: () => JobFilterInput, nullable: true }) filter?: JobFilterInput,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
  ): Promise<JobConnection> {
    const page = await jobs(this.documents, filter ?? {}, 'newest', { first, after });
    return Object.assign(new JobConnection(), connectionFields(page, (doc) => Job.from(doc)));
  }

  @ResolveField(() => [Run], { description: 'The runs this job produces, in runIds order; a deleted run is left out.' })
  async runs(@Parent() parent: Job): Promise<Run[]> {
    const docs = await Promise.all(parent.runIds.map((id) => this.catalog.run(id)));
    return docs.flatMap((doc) => (doc ? [Run.from(doc)] : []));
  }

  @ResolveField(() => String, {
    nullable: true,
    description:
      'Why a queued job is not being claimed: the queue is paused (by whom, why), no GPU node can be reached (each one, since when, the error), or no node has the GPUs it asks for. ' +
      'Null once claimed, or while nothing blocks it beyond its turn (Queue.items gives position and ETA).',
  })
  waitingFor(@Parent() parent: Job, @Context() request: RequestContext): Promise<string | null> | null {
    if (parent.status !== JobStatusValue.queued) return null;
    let facts = this.blockers.get(request);
    if (facts === undefined) {
      const read = Promise.all([queueState(this.documents), this.health.reach()]);
      const forget = (): void => void (this.blockers.get(request) === read && this.blockers.delete(request));
      read.then(forget, forget);
      this.blockers.set(request, read);
      facts = read;
    }
    return facts.then(([queue, reach]) => queueBlocker(queue, reach) ?? gpuBlocker(parent.numGpus, reach));
  }

  @Subscription(() => JobUpdate, {
    description: 'Each job change (or only those of `id`), once the read model has it.',
    resolve: (update: JobUpdate) => update,
  })
  async *jobUpdated(@Args('id', { type: () => String, nullable: true }) id?: string): AsyncGenerator<JobUpdate> {
    for await (const { id: changed, doc } of documentUpdates<JobDoc>(this.documents, jobsProjection.collection, id)) {
      yield Object.assign(new JobUpdate(), { jobId: changed, deleted: doc === null, job: doc && Job.from(doc) });
    }
  }
}
