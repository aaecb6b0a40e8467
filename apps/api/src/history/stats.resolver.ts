import { Inject } from '@nestjs/common';
import { Args, Query, Resolver } from '@nestjs/graphql';
import { DOCUMENT_STORE, type DocumentStore, statsOver } from '../../../../libs/read-models/src/index.js';
import { Stats, StatsBucketSize, StatsPeriod } from './stats.model.js';

@Resolver(() => Stats)
export class StatsResolver {
  constructor(@Inject(DOCUMENT_STORE) private readonly documents: DocumentStore) {}

  @Query(() => Stats, {
    description: 'Runs, jobs, durations, queue waits, GPU use, batching savings and ratings over a range, from the stats read model (never a scan of the log).',
  })
  async stats(
    @Args('from', { type: () => Date }) from: Date,
    @Args('to', { type: () => Date }) to: Date,
    @Args('bucket', { type: () => StatsBucketSize, nullable: true }) bucket?: StatsBucketSize,
    @Args('node', { type: () => String, nullable: true }) node?: string,
  ): Promise<Stats> {
    const granularity = bucket ?? StatsBucketSize.DAY;
    const answer = await statsOver(this.documents, { from: from.toISOString(), to: to.toISOString(), granularity, node });
    return Object.assign(new Stats(), {
      bucket: granularity,
      node: node ?? null,
      total: StatsPeriod.from(answer.total),
      periods: answer.periods.map(StatsPeriod.from),
    });
  }
}
