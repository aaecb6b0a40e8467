import { Args, ID, Int, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import { InvalidInput } from '../../../../libs/domain/src/index.js';
import { type EntityKind, EventHistory, type HistoryFilter } from '../../../../libs/history/src/index.js';
import { stoppable } from '../graphql/stoppable-stream.js';
import { EntityAt } from './entity-at.model.js';
import { Event, EventConnection } from './history-event.model.js';
import { EventDirection, EventFilterInput, historyFilter, PointInHistoryInput, toPointInHistory } from './history.inputs.js';
import { Trace } from './trace.model.js';

/** The analysts' queries over the event log; the logic lives in libs/history, which the CLI shares. */
@Resolver(() => EventConnection)
export class HistoryResolver {
  constructor(private readonly history: EventHistory) {}

  @Query(() => EventConnection, { description: 'The whole log as a Relay connection, oldest first unless BACKWARD; at most 500 a page.' })
  async events(
    @Args('filter', { type: () => EventFilterInput, nullable: true }) filter?: EventFilterInput,
    @Args('direction', { type: () => EventDirection, nullable: true }) direction?: EventDirection,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('last', { type: () => Int, nullable: true }) last?: number,
    @Args('before', { type: () => String, nullable: true }) before?: string,
  ): Promise<EventConnection> {
    const page = await this.history.page({ filter: historyFilter(filter), direction: direction ?? EventDirection.FORWARD, first, after, last, before });
    return Object.assign(new EventConnection(), {
      edges: page.edges.map(({ cursor, node }) => ({ cursor, node: Event.from(node) })),
      pageInfo: page.pageInfo,
      count: page.totalCount,
    });
  }

  @ResolveField(() => Int, { description: 'Events matching the filter in all (counted only when asked for).' })
  totalCount(@Parent() connection: EventConnection): Promise<number> {
    return connection.count();
  }

  @Query(() => Event, { nullable: true })
  async event(@Args('id', { type: () => ID }) id: string): Promise<Event | null> {
    const found = await this.history.event(id);
    return found && Event.from(found);
  }

  @Query(() => Trace, {
    nullable: true,
    description: 'Everything one command caused, as a causation tree: by its correlationId, or from any event it caused (null: no such event).',
  })
  async trace(
    @Args('correlationId', { type: () => String, nullable: true }) correlationId?: string,
    @Args('eventId', { type: () => ID, nullable: true }) eventId?: string,
  ): Promise<Trace | null> {
    if ((correlationId == null) === (eventId == null)) throw new InvalidInput([{ field: 'correlationId', problem: 'give exactly one of correlationId or eventId' }]);
    const trace = correlationId != null ? await this.history.trace(correlationId) : await this.history.traceOfEvent(eventId!);
    return trace && Trace.from(trace);
  }

  @Query(() => EntityAt, { description: 'A prompt as it was at a time or log position.' })
  promptAt(@Args('id', { type: () => ID }) id: string, @Args('at') at: PointInHistoryInput): Promise<EntityAt> {
    return this.entityAt('prompt', id, at);
  }

  @Query(() => EntityAt, { description: 'A run as it was at a time or log position.' })
  runAt(@Args('id', { type: () => ID }) id: string, @Args('at') at: PointInHistoryInput): Promise<EntityAt> {
    return this.entityAt('run', id, at);
  }

  @Query(() => EntityAt, { description: 'A job as it was at a time or log position.' })
  jobAt(@Args('id', { type: () => ID }) id: string, @Args('at') at: PointInHistoryInput): Promise<EntityAt> {
    return this.entityAt('job', id, at);
  }

  @Query(() => EntityAt, { description: 'The queue (paused or running, by whom) as it was at a time or log position.' })
  queueAt(@Args('at') at: PointInHistoryInput): Promise<EntityAt> {
    return this.entityAt('queue', 'queue', at);
  }

  @Subscription(() => Event, {
    description:
      'Events as they are appended: first every stored one after `afterPosition` (catch-up), then live ones, with no gap and no duplicate; resume a lost socket from the last position received.',
    resolve: (event: Event) => event,
  })
  eventAppended(
    @Args('filter', { type: () => EventFilterInput, nullable: true }) filter?: EventFilterInput,
    @Args('afterPosition', { type: () => String, nullable: true, description: 'Exclusive; absent: only events appended from now on.' }) afterPosition?: string,
  ): AsyncIterableIterator<Event> {
    const after = afterPosition == null ? null : Number(afterPosition);
    if (after !== null && !(Number.isSafeInteger(after) && after >= 0)) {
      throw new InvalidInput([{ field: 'afterPosition', problem: `must be a log position (got ${JSON.stringify(afterPosition)})` }]);
    }
    // Checked now, so a bad filter is an error of the subscribe call rather than of its first event.
    const checked = this.history.checkFilter(historyFilter(filter));
    return stoppable((signal) => this.followed(checked, after, signal));
  }

  private async *followed(filter: HistoryFilter, after: number | null, signal: AbortSignal): AsyncGenerator<Event> {
    for await (const event of this.history.follow(filter, after, signal)) yield Event.from(event);
  }

  private async entityAt(kind: EntityKind, id: string, at: PointInHistoryInput): Promise<EntityAt> {
    return EntityAt.from(await this.history.entityAt(kind, id, toPointInHistory(at)));
  }
}
