import { Field, InputType, Int } from '@nestjs/graphql';
import { IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';

@InputType()
export class RateRunInput {
  @Field()
  @IsString()
  @MaxLength(100)
  runId: string;

  @Field(() => Int, { nullable: true, description: '1..5, or null to clear the rating.' })
  @IsOptional()
  @IsInt()
  rating: number | null;

  @Field(() => Int, { nullable: true, description: 'Refuse with RevisionConflict unless the run stream is still at this revision.' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number | null;
}
