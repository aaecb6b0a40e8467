import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { PeriodStats } from '../../../../libs/read-models/src/index.js';

export enum StatsBucketSize {
  HOUR = 'HOUR',
  DAY = 'DAY',
  WEEK = 'WEEK',
}
registerEnumType(StatsBucketSize, { name: 'StatsBucketSize', description: 'Periods statistics are summed over: UTC hours, UTC days, or ISO weeks from Monday.' });

@ObjectType()
export class KindStatusCount {
  @Field()
  kind: string;

  @Field()
  status: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class ReasonCount {
  @Field()
  reason: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class RatingCount {
  @Field(() => Int)
  rating: number;

  @Field(() => Int)
  count: number;
}

@ObjectType({ description: 'Seconds: nearest-rank percentiles over the samples (null without any).' })
export class SecondsPercentiles {
  @Field(() => Int)
  samples: number;

  @Field(() => Float, { nullable: true })
  p50: number | null;

  @Field(() => Float, { nullable: true })
  p90: number | null;
}

@ObjectType()
export class KindDuration extends SecondsPercentiles {
  @Field()
  kind: string;
}

@ObjectType()
export class NodeUsage {
  @Field()
  node: string;

  @Field(() => Float, { description: 'GPU seconds from claims to ends that fall in the period.' })
  busySeconds: number;

  @Field(() => Float, { description: 'busySeconds over the seconds of the period (0..1).' })
  utilisation: number;
}

@ObjectType({ description: 'Statistics of one period (or of the whole range), summed from the stats read model.' })
export class StatsPeriod {
  @Field(() => Date)
  start: Date;

  @Field(() => Date)
  end: Date;

  @Field(() => [KindStatusCount], { description: 'Runs that ended in the period, by kind and status.' })
  runs: KindStatusCount[];

  @Field(() => [KindStatusCount], { description: 'Jobs that ended in the period, by kind and status.' })
  jobs: KindStatusCount[];

  @Field(() => Float, { nullable: true, description: 'Completed over completed + failed runs; cancelled ones do not count.' })
  successRate: number | null;

  @Field(() => [ReasonCount], { description: "Failed runs' typed reasons, most frequent first." })
  failureReasons: ReasonCount[];

  @Field(() => [KindDuration], { description: 'Seconds from claim to success, per job kind.' })
  jobDurations: KindDuration[];

  @Field(() => SecondsPercentiles, { description: 'Seconds from queued to the first claim.' })
  queueWait: SecondsPercentiles;

  @Field(() => [NodeUsage])
  nodes: NodeUsage[];

  @Field(() => Int, { description: 'Containers smart batching saved: a batch of n merged jobs saves n − 1.' })
  containersSaved: number;

  @Field(() => [RatingCount], { description: 'Completed runs by their current rating.' })
  ratings: RatingCount[];

  static from(period: PeriodStats): StatsPeriod {
    return Object.assign(new StatsPeriod(), { ...period, start: new Date(period.start), end: new Date(period.end) });
  }
}

@ObjectType()
export class Stats {
  @Field(() => StatsBucketSize)
  bucket: StatsBucketSize;

  @Field(() => String, { nullable: true })
  node: string | null;

  @Field(() => StatsPeriod, { description: 'The whole range at once.' })
  total: StatsPeriod;

  @Field(() => [StatsPeriod], { description: 'One per period, oldest first, empty ones included.' })
  periods: StatsPeriod[];
}
