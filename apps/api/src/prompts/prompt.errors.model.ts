import { Field, ObjectType } from '@nestjs/graphql';
import { DeletionPreview } from '../deletion/deletion-preview.model.js';
import { UserError } from '../graphql/user-errors.model.js';

// What keeps a prompt from being deleted or overwritten.

@ObjectType({ implements: () => [UserError], description: 'The prompt has runs still in progress; cancel them or wait.' })
export class PromptHasActiveRuns implements UserError {
  code: string;
  message: string;

  @Field(() => [String])
  activeRunIds: string[];
}

@ObjectType({ implements: () => [UserError], description: 'OVERWRITE would change the text these runs were made from: enhance with CREATE_NEW, or force to delete them.' })
export class PromptHasRuns implements UserError {
  code: string;
  message: string;

  @Field(() => [String], { description: 'The runs that are not enhancements.' })
  runIds: string[];

  @Field(() => DeletionPreview, { description: 'What force would delete: the same preview as deletionPreview.' })
  preview: DeletionPreview;
}
