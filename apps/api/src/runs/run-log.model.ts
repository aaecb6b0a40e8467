import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "One line of a run's container log." })
export class RunLogLine {
  @Field(() => ID)
  runId: string;

  @Field(() => Int, { description: '1-based.' })
  lineNumber: number;

  @Field()
  text: string;

  @Field({ description: 'True for lines that were in the log already when the subscription began.' })
  backlog: boolean;
}
