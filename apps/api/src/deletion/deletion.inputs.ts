import { Field, InputType, Int } from '@nestjs/graphql';
import { Equals, IsBoolean, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { InvalidInput } from '../../../../libs/domain/src/index.js';
import type { DeletionTarget } from './deletion.planner.js';

/** What bulk deletions want typed back, so a stray click or script deletes nothing. */
export const DELETE_ALL_CONFIRMATION = 'DELETE ALL';

@InputType({ description: 'Exactly one of: promptId, runId, allPrompts: true, allRuns: true.' })
export class DeletionTargetInput {
  @Field(() => String, { nullable: true, description: 'The prompt and every run of it.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  promptId?: string | null;

  @Field(() => String, { nullable: true, description: 'One run; its prompt stays.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  runId?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Every prompt, with their runs.' })
  @IsOptional()
  @IsBoolean()
  allPrompts?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Every run; prompts stay.' })
  @IsOptional()
  @IsBoolean()
  allRuns?: boolean | null;
}

export function toDeletionTarget(input: DeletionTargetInput): DeletionTarget {
  const chosen: DeletionTarget[] = [
    ...(input.promptId != null ? [{ kind: 'prompt' as const, promptId: input.promptId }] : []),
    ...(input.runId != null ? [{ kind: 'run' as const, runId: input.runId }] : []),
    ...(input.allPrompts === true ? [{ kind: 'allPrompts' as const }] : []),
    ...(input.allRuns === true ? [{ kind: 'allRuns' as const }] : []),
  ];
  if (chosen.length !== 1) {
    throw new InvalidInput([{ field: 'target', problem: `name exactly one of promptId, runId, allPrompts: true, allRuns: true (got ${chosen.length})` }]);
  }
  return chosen[0];
}

@InputType()
export class DeletePromptInput {
  @Field()
  @IsString()
  @MaxLength(100)
  promptId: string;

  @Field({ defaultValue: false, description: "Also delete the runs' output folders (kept by default)." })
  @IsBoolean()
  deleteOutputs: boolean;

  @Field(() => Int, { nullable: true, description: 'Refuse with RevisionConflict unless the prompt stream is still at this revision.' })
  @IsOptional()
  @IsInt()
  @Min(-1)
  expectedRevision?: number | null;
}

@InputType()
export class DeleteRunInput {
  @Field()
  @IsString()
  @MaxLength(100)
  runId: string;

  @Field({ defaultValue: false, description: "Also delete the run's output folder (kept by default)." })
  @IsBoolean()
  deleteOutputs: boolean;
}

@InputType()
export class DeleteAllInput {
  @Field({ description: `Must be exactly "${DELETE_ALL_CONFIRMATION}".` })
  @IsString()
  @Equals(DELETE_ALL_CONFIRMATION, { message: `type exactly "${DELETE_ALL_CONFIRMATION}" to confirm` })
  confirm: string;

  @Field({ defaultValue: false, description: 'Also delete the output folders (kept by default).' })
  @IsBoolean()
  deleteOutputs: boolean;
}
