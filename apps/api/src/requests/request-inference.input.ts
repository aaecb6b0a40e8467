import { Field, Float, InputType, Int, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import type { PresetLevel } from '../../../../libs/domain/src/index.js';

export enum PresetLevelValue {
  very_low = 'very_low',
  low = 'low',
  medium = 'medium',
  high = 'high',
  very_high = 'very_high',
}
registerEnumType(PresetLevelValue, { name: 'PresetLevel', description: "transfer.py's levels for --blur_strength and --canny_threshold." });

/** Ranges are checked by resolveInferenceConfig, the one config loader, so every surface reports them alike. */
@InputType()
export class ControlWeightsInput {
  @Field(() => Float, { nullable: true, description: '0..1 (0.25); 0 turns the control off.' })
  vis?: number | null;

  @Field(() => Float, { nullable: true, description: '0..1 (0.25)' })
  edge?: number | null;

  @Field(() => Float, { nullable: true, description: '0..1 (0.25)' })
  depth?: number | null;

  @Field(() => Float, { nullable: true, description: '0..1 (0.25)' })
  seg?: number | null;
}

/** Batches beyond this belong in several requests: one container runs the whole batch. */
const MAX_PROMPTS_PER_REQUEST = 100;

@InputType()
export class RequestInferenceInput {
  @Field(() => [String], { description: 'One prompt queues an inference job; several queue one batch_inference job, run i for prompt i.' })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_PROMPTS_PER_REQUEST)
  @IsString({ each: true })
  promptIds: string[];

  @Field(() => ControlWeightsInput, { nullable: true })
  @IsOptional()
  weights?: ControlWeightsInput | null;

  @Field(() => String, {
    nullable: true,
    description: "This job's negative prompt, instead of each prompt's own (the prompts keep theirs; the job's JobQueued records it). At most 10,000 characters.",
  })
  @IsOptional()
  @IsString()
  negativePrompt?: string | null;

  @Field(() => Int, { nullable: true, description: '1..100 (35)' })
  @IsOptional()
  numSteps?: number | null;

  @Field(() => Float, { nullable: true, description: '1..20 (5)' })
  @IsOptional()
  guidance?: number | null;

  @Field(() => Int, { nullable: true, description: '≥ 0 (1)' })
  @IsOptional()
  seed?: number | null;

  @Field(() => Int, { nullable: true, description: '1..60 (24)' })
  @IsOptional()
  fps?: number | null;

  @Field(() => Float, { nullable: true, description: '0..80 (70)' })
  @IsOptional()
  sigmaMax?: number | null;

  @Field(() => PresetLevelValue, { nullable: true, description: '(medium)' })
  @IsOptional()
  blurStrength?: PresetLevel | null;

  @Field(() => PresetLevelValue, { nullable: true, description: '(medium)' })
  @IsOptional()
  cannyThreshold?: PresetLevel | null;

  @Field(() => Int, { nullable: true, description: 'GPUs its container gets on its node: 1, 2, 4 or 8 (jobs.inference_gpus when unsaid); a node runs as many jobs at once as its free GPUs allow.' })
  @IsOptional()
  numGpus?: number | null;

  @Field(() => Int, { nullable: true, description: '0..100, higher first (50).' })
  @IsOptional()
  priority?: number | null;

  @Field(() => String, { nullable: true, description: "Asking again with the same key answers the job the key first queued; 1..128 of [A-Za-z0-9._:-]." })
  @IsOptional()
  idempotencyKey?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Answer the exact spec files and command that would be sent, and queue nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean | null;
}
