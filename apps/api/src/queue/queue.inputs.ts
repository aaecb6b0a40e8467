import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, Min } from 'class-validator';
import { ReasonField } from '../graphql/reason.field.js';

@InputType()
export class ChangeQueueStateInput {
  @ReasonField()
  reason?: string | null;

  @Field(() => Int, { nullable: true, description: 'Refuse with RevisionConflict unless the queue is still at this revision.' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number | null;
}
