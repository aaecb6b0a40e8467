import { Field, Int, ObjectType } from '@nestjs/graphql';

/** What every accepted command answers: where its events landed. */
@ObjectType()
export class CommandAccepted {
  @Field({ description: 'The stream the command changed.' })
  streamId: string;

  @Field(() => Int, { description: 'The stream revision after the command.' })
  revision: number;

  @Field(() => String, { nullable: true, description: 'Global position of the last event written (null: nothing was written).' })
  position: string | null;

  @Field({ description: 'True when the read models already reflect the command, so a query now sees it.' })
  consistent: boolean;
}
