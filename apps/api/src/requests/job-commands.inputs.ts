import { Field, InputType, Int } from '@nestjs/graphql';
import { Allow, IsString } from 'class-validator';
import { ReasonField } from '../graphql/reason.field.js';

@InputType()
export class CancelJobInput {
  @Field()
  @IsString()
  jobId: string;

  @ReasonField()
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
