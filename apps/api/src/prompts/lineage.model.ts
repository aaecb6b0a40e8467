import { Field, ObjectType } from '@nestjs/graphql';
import { Prompt, TextReplacement } from './prompt.model.js';

@ObjectType({ description: 'One CREATE_NEW enhancement: parent prompt → enhanced child prompt.' })
export class LineageEdge {
  @Field()
  parentPromptId: string;

  @Field()
  childPromptId: string;

  @Field()
  runId: string;

  @Field()
  model: string;

  @Field()
  at: Date;
}

@ObjectType({ description: 'The enhancement tree around a prompt.' })
export class Lineage {
  @Field()
  promptId: string;

  @Field(() => [Prompt], { description: 'Nearest first.' })
  ancestors: Prompt[];

  @Field(() => [Prompt])
  descendants: Prompt[];

  @Field(() => [LineageEdge])
  edges: LineageEdge[];

  @Field(() => [TextReplacement], { description: "OVERWRITE enhancements of this prompt's own text." })
  textReplacements: TextReplacement[];
}
