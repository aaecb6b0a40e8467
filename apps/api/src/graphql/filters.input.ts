import { Field, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsBoolean, IsDate, IsEnum, IsInt, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ModelTypeValue } from '../prompts/prompt.model.js';
import { RunKindValue, RunStatusValue } from '../runs/run.model.js';

export enum CreatedWithinValue {
  today = 'today',
  yesterday = 'yesterday',
  last_7_days = 'last_7_days',
  last_30_days = 'last_30_days',
  older_than_30_days = 'older_than_30_days',
}
registerEnumType(CreatedWithinValue, { name: 'CreatedWithin', description: 'Calendar days in UTC for today and yesterday; rolling windows otherwise.' });

export enum PromptRunsValue {
  all = 'all',
  none = 'none',
  some = 'some',
}
registerEnumType(PromptRunsValue, { name: 'PromptRunsFilter' });

export enum PromptSortValue {
  newest = 'newest',
  oldest = 'oldest',
  name = 'name',
}
registerEnumType(PromptSortValue, { name: 'PromptSort' });

export enum RunSortValue {
  newest = 'newest',
  oldest = 'oldest',
  rating = 'rating',
}
registerEnumType(RunSortValue, { name: 'RunSort' });

@InputType()
export class PromptFilterInput {
  @Field(() => ModelTypeValue, { nullable: true })
  @IsOptional()
  @IsEnum(ModelTypeValue)
  modelType?: ModelTypeValue | null;

  @Field(() => Boolean, { nullable: true, description: 'true: enhanced prompts only; false: never enhanced.' })
  @IsOptional()
  @IsBoolean()
  enhanced?: boolean | null;

  @Field(() => PromptRunsValue, { nullable: true })
  @IsOptional()
  @IsEnum(PromptRunsValue)
  runs?: PromptRunsValue | null;

  @Field(() => CreatedWithinValue, { nullable: true })
  @IsOptional()
  @IsEnum(CreatedWithinValue)
  createdWithin?: CreatedWithinValue | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive search over id, name and text; edges carry the match spans.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  text?: string | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(500)
  ids?: string[] | null;
}

@InputType()
export class RatingFilterInput {
  @Field(() => Int, { nullable: true })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  exactly?: number | null;

  @Field(() => Int, { nullable: true, description: 'This rating or more.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  atLeast?: number | null;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  unrated?: boolean | null;
}

@InputType()
export class RunFilterInput {
  @Field(() => [RunStatusValue], { nullable: true })
  @IsOptional()
  @IsEnum(RunStatusValue, { each: true })
  statuses?: RunStatusValue[] | null;

  @Field(() => [RunKindValue], { nullable: true })
  @IsOptional()
  @IsEnum(RunKindValue, { each: true })
  kinds?: RunKindValue[] | null;

  @Field(() => [ModelTypeValue], { nullable: true })
  @IsOptional()
  @IsEnum(ModelTypeValue, { each: true })
  modelTypes?: ModelTypeValue[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @IsString({ each: true })
  @ArrayMaxSize(500)
  promptIds?: string[] | null;

  @Field(() => RatingFilterInput, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => RatingFilterInput)
  rating?: RatingFilterInput | null;

  @Field(() => CreatedWithinValue, { nullable: true })
  @IsOptional()
  @IsEnum(CreatedWithinValue)
  createdWithin?: CreatedWithinValue | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  createdAfter?: Date | null;

  @Field(() => Date, { nullable: true })
  @IsOptional()
  @IsDate()
  createdBefore?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'true: runs with a completed upscale; false: runs without one.' })
  @IsOptional()
  @IsBoolean()
  upscaled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Case-insensitive search over the run id and its prompt text.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  text?: string | null;
}
