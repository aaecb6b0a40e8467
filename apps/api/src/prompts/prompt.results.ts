import { createUnionType, Field, ObjectType } from '@nestjs/graphql';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { InvalidInput } from '../graphql/user-errors.model.js';
import { Prompt } from './prompt.model.js';

@ObjectType()
export class PromptCreated {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field(() => Prompt, { nullable: true, description: 'The prompt as the read model shows it (null only if the read model lagged past the wait).' })
  prompt: Prompt | null;
}

export const CreatePromptResult = createUnionType({
  name: 'CreatePromptResult',
  types: () => [PromptCreated, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType({ description: 'A prompt changed or was deleted, after the read model changed.' })
export class PromptChange {
  @Field()
  promptId: string;

  @Field()
  deleted: boolean;

  @Field(() => Prompt, { nullable: true })
  prompt: Prompt | null;
}
