import { Field, InputType } from '@nestjs/graphql';
import { IsEnum, IsOptional } from 'class-validator';
import { JobKindValue, JobStatusValue } from './job.model.js';

@InputType({ description: 'A missing list means any; an empty list matches nothing.' })
export class JobFilterInput {
  @Field(() => [JobStatusValue], { nullable: true })
  @IsOptional()
  @IsEnum(JobStatusValue, { each: true })
  statuses?: JobStatusValue[] | null;

  @Field(() => [JobKindValue], { nullable: true })
  @IsOptional()
  @IsEnum(JobKindValue, { each: true })
  kinds?: JobKindValue[] | null;
}
