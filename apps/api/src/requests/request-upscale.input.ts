import { Field, Float, InputType, Int } from '@nestjs/graphql';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** Ranges and the one-source rule are checked by checkUpscaleRequest, beside the config loader's. */
@InputType({ description: 'Exactly one source: sourceRunId or sourceVideo.' })
export class RequestUpscaleInput {
  @Field(() => String, { nullable: true, description: 'A completed run with an output video; the upscale belongs to its prompt.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  sourceRunId?: string | null;

  @Field(() => String, { nullable: true, description: 'A video file (.mp4 .mov .avi .mkv) relative to the inputs root.' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  sourceVideo?: string | null;

  @Field(() => String, { nullable: true, description: 'Required with sourceVideo (the prompt the upscale run belongs to); not allowed with sourceRunId.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  promptId?: string | null;

  @Field(() => Float, { nullable: true, description: '0..1 (0.5): the weight of the upscale control.' })
  @IsOptional()
  controlWeight?: number | null;

  @Field(() => String, { nullable: true, description: "A guiding prompt; without one the model's own default." })
  @IsOptional()
  prompt?: string | null;

  @Field(() => Int, { nullable: true, description: 'GPUs its container gets on its node: 1, 2, 4 or 8 (jobs.upscale_gpus when unsaid); a node runs as many jobs at once as its free GPUs allow.' })
  @IsOptional()
  numGpus?: number | null;

  @Field(() => Int, { nullable: true, description: '0..100, higher first (50).' })
  @IsOptional()
  priority?: number | null;

  @Field(() => String, { nullable: true, description: "Asking again with the same key answers the job the key first queued; 1..128 of [A-Za-z0-9._:-]." })
  @IsOptional()
  idempotencyKey?: string | null;

  @Field(() => Boolean, { nullable: true, description: 'Answer the exact spec file and command that would be sent, and queue nothing.' })
  @IsOptional()
  @IsBoolean()
  dryRun?: boolean | null;
}
