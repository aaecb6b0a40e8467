import { Field, InputType, Int } from '@nestjs/graphql';
import { Allow, IsOptional, IsString, MaxLength } from 'class-validator';

@InputType()
export class CancelJobInput {
  @Field()
  @IsString()
  jobId: string;

  @Field(() => String, { nullable: true, description: 'Why, for the history (at most 500 characters).' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string | null;
}

@InputType()
export class SetJobPriorityInput {
  @Field()
  @IsString()
  jobId: string;

  /** The range is the job decider's rule (priorityProblem); repeating it here would be a second source. */
  @Field(() => Int, { description: '0..100, higher first.' })
  @Allow()
  priority: number;
}

@InputType()
export class RetryJobInput {
  @Field({ description: 'A failed or cancelled job.' })
  @IsString()
  jobId: string;
}
