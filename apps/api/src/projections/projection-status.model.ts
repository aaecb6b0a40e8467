import { Field, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ProjectionStateValue {
  stopped = 'stopped',
  catching_up = 'catching_up',
  live = 'live',
  rebuilding = 'rebuilding',
  failed = 'failed',
}
registerEnumType(ProjectionStateValue, { name: 'ProjectionState' });

@ObjectType()
export class RebuildProgressModel {
  @Field()
  startedAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => Int)
  processedEvents: number;

  @Field(() => String)
  position: string;

  @Field(() => String)
  targetPosition: string;

  @Field(() => Int, { description: '0..100' })
  percent: number;
}

@ObjectType('ProjectionStatus', { description: 'One read model kept by a worker: how far it is, and how far behind.' })
export class ProjectionStatusModel {
  @Field()
  name: string;

  @Field(() => ProjectionStateValue)
  state: ProjectionStateValue;

  @Field(() => String, { nullable: true, description: 'Global position of the last event written to the read model.' })
  checkpoint: string | null;

  @Field(() => String, { description: 'Global position of the newest event in the store.' })
  head: string;

  @Field(() => String, { description: 'Positions behind the head (0: nothing it wants is pending).' })
  lag: string;

  @Field()
  caughtUp: boolean;

  @Field(() => String, { nullable: true })
  lastError: string | null;

  @Field(() => RebuildProgressModel, { nullable: true })
  rebuild: RebuildProgressModel | null;
}

@ObjectType()
export class RebuildStarted {
  @Field()
  name: string;
}
