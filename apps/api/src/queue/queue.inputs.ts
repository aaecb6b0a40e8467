import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

@InputType()
export class ChangeQueueStateInput {
  @Field(() => String, { nullable: true, description: 'Why, for the history (at most 500 characters).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string | null;

  @Field(() => Int, { nullable: true, description: 'Refuse with RevisionConflict unless the queue is still at this revision.' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number | null;
}
