import { createUnionType, Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { CommandAccepted } from '../graphql/command-accepted.model.js';
import { InvalidInput, NotFound, RevisionConflict } from '../graphql/user-errors.model.js';
import { PromptHasActiveRuns } from '../prompts/prompt.errors.model.js';
import { RunActive } from '../runs/run.errors.model.js';

@ObjectType()
export class PromptDeleted {
  @Field(() => CommandAccepted, { description: 'The DeletePrompt command.' })
  accepted: CommandAccepted;

  @Field()
  promptId: string;

  @Field(() => [String], { description: 'Its runs, deleted with it.' })
  runIds: string[];

  @Field(() => Int, { description: 'Output files deleted (0 unless deleteOutputs).' })
  deletedFiles: number;

  @Field(() => Float)
  deletedBytes: number;
}

export const DeletePromptResult = createUnionType({
  name: 'DeletePromptResult',
  types: () => [PromptDeleted, NotFound, PromptHasActiveRuns, RevisionConflict, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType()
export class RunDeleted {
  @Field(() => CommandAccepted)
  accepted: CommandAccepted;

  @Field()
  runId: string;

  @Field(() => Int, { description: 'Output files deleted (0 unless deleteOutputs).' })
  deletedFiles: number;

  @Field(() => Float)
  deletedBytes: number;
}

export const DeleteRunResult = createUnionType({
  name: 'DeleteRunResult',
  // RevisionConflict: the run kept changing while the deletion retried (bounded) on a fresh read.
  types: () => [RunDeleted, NotFound, RunActive, RevisionConflict, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});

@ObjectType({ description: 'A prompt or run a bulk deletion left alone, and why.' })
export class SkippedDeletion {
  @Field()
  id: string;

  @Field()
  reason: string;
}

@ObjectType()
export class BulkDeleted {
  @Field(() => [String])
  promptIds: string[];

  @Field(() => [String])
  runIds: string[];

  @Field(() => [SkippedDeletion], { description: 'Prompts with active runs, active runs, and anything that changed meanwhile.' })
  skipped: SkippedDeletion[];

  @Field(() => Int)
  deletedFiles: number;

  @Field(() => Float)
  deletedBytes: number;
}

export const DeleteAllResult = createUnionType({
  name: 'DeleteAllResult',
  types: () => [BulkDeleted, InvalidInput] as const,
  resolveType: (value: object) => value.constructor,
});
