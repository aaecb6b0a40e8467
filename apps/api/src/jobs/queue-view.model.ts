import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { JobKind } from '../../../../libs/domain/src/index.js';
import type { DurationUsed, QueueItem as QueueItemView, RunningItem } from '../../../../libs/read-models/src/index.js';
import { Job, JobKindValue } from './job.model.js';

export enum DurationSourceValue {
  recent = 'recent',
  default = 'default',
}
registerEnumType(DurationSourceValue, {
  name: 'DurationSource',
  description: "recent: the median of the kind's latest successes; default: none to measure yet.",
});

@ObjectType({ description: 'A queued job, its place in claim order and its expected wait.' })
export class QueueItem {
  @Field(() => Int, { description: '1-based: higher priority first, then first queued.' })
  position: number;

  @Field(() => Int, { description: 'Seconds from now until a node is expected to take it.' })
  etaSeconds: number;

  @Field(() => Job)
  job: Job;

  static from(item: QueueItemView): QueueItem {
    return Object.assign(new QueueItem(), { position: item.position, etaSeconds: item.etaSeconds, job: Job.from(item.job) });
  }
}

@ObjectType({ description: 'A job a node holds now.' })
export class RunningJob {
  @Field(() => Job)
  job: Job;

  @Field(() => Int, { description: 'Seconds since the current attempt was claimed.' })
  elapsedSeconds: number;

  static from(item: RunningItem): RunningJob {
    return Object.assign(new RunningJob(), { job: Job.from(item.job), elapsedSeconds: item.elapsedSeconds });
  }
}

@ObjectType({ description: 'How long a job of this kind is expected to take, as the queue ETAs assume.' })
export class DurationEstimate {
  @Field(() => JobKindValue)
  kind: JobKindValue;

  @Field(() => Float)
  seconds: number;

  @Field(() => DurationSourceValue)
  source: DurationSourceValue;

  @Field(() => Int, { description: 'How many recent successes the median looked at (0 for a default).' })
  samples: number;

  static from(kind: JobKind, used: DurationUsed): DurationEstimate {
    return Object.assign(new DurationEstimate(), { kind: kind as JobKindValue, seconds: used.seconds, source: used.source as DurationSourceValue, samples: used.samples });
  }
}
